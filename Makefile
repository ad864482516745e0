PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: `make demo` installs only netgraph (.installed-demo); test, lint and the rest
# install it with its test and lint extras (.installed), which also satisfies the demo.
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo

.PHONY: demo test fuzz lint clean corpus bench mutate

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	touch $(DEMO_STAMP)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e ".[test,lint]"
	touch $(STAMP) $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	@mkdir -p out
	@for s in samples/*.json; do \
	  n=$$(basename $$s .json); \
	  echo "== $$s"; \
	  $(BIN)/netgraph check $$s --png out/$$n.png --svg out/$$n.svg --dot out/$$n.dot; \
	  echo "(exit code $$?)"; echo; \
	done
	@$(BIN)/netgraph draw samples/healthy-nat.json --png out/topology-healthy-nat.png --dot out/topology-healthy-nat.dot
	@$(BIN)/netgraph draw samples/healthy-endpoints.json --png out/topology-healthy-endpoints.png
	@$(BIN)/netgraph draw samples/healthy-hub-centralized-endpoints.json --network --png out/network-hub-and-spoke.png
	@echo "diagrams written to out/"

# On every core (pytest-xdist). The absent-data oracle runs a fixed part of its cases here
# (every key of every sample once, and a seeded twentieth of the rest); `make fuzz` runs them all.
# The property tests try half the examples they name (tests/conftest.py: NETGRAPH_HYPOTHESIS).
test: $(STAMP)
	NETGRAPH_ABSENT_FRACTION=0.05 NETGRAPH_HYPOTHESIS=test $(BIN)/python -m pytest -n auto --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check netgraph tests samples cli.py
	$(BIN)/ruff format --check netgraph tests samples cli.py
	$(BIN)/mypy

# The random-damage fuzz with 20 times the examples make test runs, every other property test
# with five times the examples it names (ten times make test's), and the absent-data oracle over
# every case of every sample (make test runs a fixed part of them).
fuzz: $(STAMP)
	NETGRAPH_FUZZ_EXAMPLES=5000 NETGRAPH_HYPOTHESIS=fuzz $(BIN)/python -m pytest -m hypothesis tests
	NETGRAPH_ABSENT_FRACTION=1 $(BIN)/python -m pytest tests/test_absent_data.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Mutation testing (mutmut, in mutants/): nice, it takes the machine for a long while.
# MUTANTS= narrows the run, e.g. MUTANTS='netgraph.evaluate.network_acls*'.
mutate: $(STAMP)
	$(BIN)/pip install -q -e ".[mutate]"
	NETGRAPH_ABSENT_FRACTION=0.05 NETGRAPH_HYPOTHESIS=mutate nice -n 10 $(BIN)/mutmut run $(MUTANTS)
	@$(BIN)/mutmut results | grep -v 'not checked' || true
	@$(BIN)/mutmut export-cicd-stats >/dev/null && cat mutants/mutmut-cicd-stats.json

corpus: $(STAMP)
	$(BIN)/python ../shared/corpus/batfish/run.py --cli "$(BIN)/netgraph"
	$(BIN)/python ../shared/corpus/batfish/run.py --cli "$(BIN)/netgraph" --load-only

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis

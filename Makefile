PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint clean corpus

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test,lint]"
	touch $(STAMP)

demo: $(STAMP)
	@for s in samples/*.json; do \
	  echo "== $$s"; \
	  $(BIN)/netgraph check $$s; \
	  echo "(exit code $$?)"; echo; \
	done

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check netgraph tests samples cli.py
	$(BIN)/ruff format --check netgraph tests samples cli.py
	$(BIN)/mypy

corpus: $(STAMP)
	$(BIN)/python ../shared/corpus/batfish/run.py --cli "$(BIN)/netgraph"
	$(BIN)/python ../shared/corpus/batfish/run.py --cli "$(BIN)/netgraph" --load-only

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis

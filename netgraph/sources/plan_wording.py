"""How a Terraform plan words what it lacks: the plan's objects are named by Terraform
address, and what a snapshot would call "not collected" is "not in the plan"."""

from __future__ import annotations

from collections.abc import Sequence

from netgraph.model import CollectionError
from netgraph.sources.wording import Wording

# Where a plan alone cannot say: the user's fix is the overlay on a collected account.
GIVE_SNAPSHOT = "give a snapshot (`check SNAPSHOT --plan PLAN`)"


class PlanWording(Wording):
    """The wording of ``terraform show -json PLAN`` (plan-input.md)."""

    def absent(self, key: str, collection_errors: Sequence[CollectionError]) -> str:
        return f"{key} is not in the plan; {GIVE_SNAPSHOT}"

    def no_region(self) -> str:
        return (
            "the plan names no region: set `region` in the root module's aws provider, or "
            "pass --region"
        )

    def ignored(self, file: str, key: str) -> str:
        return f"{file}: {key} is not read from a plan; ignored"

    def unknown_after_apply(self, attribute: str, address: str, why: str) -> str:
        """An attribute left unknown (plan-input.md "Unknown values", step 5)."""
        if why.startswith("comes from "):
            why = f"it {why}"
        return f"{attribute} of {address} is known only after apply ({why})"


PLAN = PlanWording()

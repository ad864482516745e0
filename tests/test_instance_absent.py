"""Rule 1 for EC2 instances, exhaustively: no bundled sample holds an instance, so the
absent-data oracle (tests/test_absent_data.py) never reaches the Reservations record. Here an
instance whose only security group admits nothing is checked both ways (`path --from i-…` to
every target, `path --to i-…` from a task): every check is blocked. Then every key path of its
record (every depth, every list element) is removed, and separately set to null: no check may
pass, none may disappear, and a run that cannot go on ends in one line (exit 2). Before
66992c5, removing `SecurityGroups` made both ways reachable ("no security group")."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from netgraph.check import check_path, check_source, exit_code
from netgraph.flows import SourceError, hypothetical_source, instance_source
from netgraph.reach import PASSING
from netgraph.sources.snapshot import SnapshotError, snapshot_from_data

from .absent_data import ORIGIN, Case, Outcome, damaged, key_paths
from .conftest import sample_data
from .test_gateway_rules import SG_TASK, TASK_SUBNET

INSTANCE = "i-0dst"
ENDPOINT_SUBNET = "subnet-0a11c0ffee0000011"
SG_CLOSED = "sg-0closed"


def _with_instance() -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(sample_data("healthy-endpoints"))
    vpc = data["Vpcs"][0]["VpcId"]
    instance = {
        "InstanceId": INSTANCE,
        "State": {"Code": 16, "Name": "running"},
        "SubnetId": ENDPOINT_SUBNET,
        "VpcId": vpc,
        "PrivateIpAddress": "10.0.11.99",
        "SecurityGroups": [{"GroupId": SG_CLOSED, "GroupName": "closed"}],
        "NetworkInterfaces": [
            {
                "NetworkInterfaceId": "eni-0dst",
                "SubnetId": ENDPOINT_SUBNET,
                "VpcId": vpc,
                "PrivateIpAddress": "10.0.11.99",
                "Groups": [{"GroupId": SG_CLOSED, "GroupName": "closed"}],
            }
        ],
    }
    # A group that admits nothing either way: every check of the instance is blocked by it.
    data["SecurityGroups"].append(
        {
            "GroupId": SG_CLOSED,
            "GroupName": "closed",
            "Description": "admits nothing",
            "VpcId": vpc,
            "OwnerId": "111122223333",
            "IpPermissions": [],
            "IpPermissionsEgress": [],
        }
    )
    data["Reservations"] = [
        {"ReservationId": "r-0dst", "OwnerId": "111122223333", "Instances": [instance]}
    ]
    return data


def _run(data: Any) -> Outcome:
    """The checks `path --from i-0dst` (each target) and `path --to i-0dst` (from a task)."""
    try:
        s = snapshot_from_data(data, ORIGIN)
        traces = list(check_source(s, instance_source(s, INSTANCE)))
        task = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False)
        traces.append(check_path(s, task, INSTANCE, protocol="6", port=443))
    except (SnapshotError, SourceError) as exc:
        return Outcome(2, {}, str(exc))
    verdicts: dict[tuple[str, str, str], str] = {
        (t.source.kind, t.source.id, t.target): t.verdict for t in traces
    }
    return Outcome(exit_code(traces), verdicts)


def _cases() -> list[Case]:
    out: list[Case] = []
    for path, is_key in key_paths(_with_instance()["Reservations"], ("Reservations",)):
        if is_key:
            out.append(Case("instance", path, True))
        out.append(Case("instance", path, False))
    return out


INTACT = _run(_with_instance())


def test_the_intact_instance_is_blocked_both_ways_by_its_group() -> None:
    # The oracle below is worth something only if every intact check is blocked.
    assert INTACT.code == 1 and len(INTACT.verdicts) > 1
    assert set(INTACT.verdicts.values()) == {"blocked"}, INTACT.verdicts


@pytest.mark.parametrize("case", _cases(), ids=str)
def test_no_key_of_an_instance_removed_or_nulled_makes_a_check_pass(case: Case) -> None:
    after = _run(damaged(_with_instance(), case.path, case.remove))
    if after.code == 2:
        assert after.error and "\n" not in after.error, after.error
        return
    assert after.code != 0, f"{case}: exit code 1 became 0"
    for check in INTACT.verdicts:
        now = after.verdicts.get(check)
        assert now is not None, f"{case}: the check {check} disappeared"
        assert now not in PASSING, f"{case}: {check} was blocked, became {now}"

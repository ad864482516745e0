"""Rule 1 for customer-managed prefix lists, exhaustively: the bundled samples give prefix
lists only as `PrefixLists` (AWS-managed, with their `Cidrs`), so the absent-data oracle
(tests/test_absent_data.py) never reaches the other two keys, `ManagedPrefixLists` and
`PrefixListEntries`. Here the task's only outbound rule to the VPC names a managed list that
holds one of the two endpoint subnets, so every check that needs an endpoint ENI of the other
subnet does not pass; every key path of those two keys (every depth, every list element) is
then removed, and separately set to null: no check may pass, none may disappear, no exit code
may drop to 0, and a run that cannot go on ends in one line (exit 2)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from netgraph.reach import PASSING

from .absent_data import Case, damaged, key_paths, run_checks, violations
from .conftest import sample_data
from .test_gateway_rules import SG_TASK

CORP = "pl-0c0c0c0c0c0c0c0c0"
S3_LIST = "pl-61a54008"


def _with_managed_list() -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(sample_data("healthy-endpoints"))
    task = next(g for g in data["SecurityGroups"] if g["GroupId"] == SG_TASK)

    def to_list(list_id: str) -> dict[str, Any]:
        return {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [],
            "Ipv6Ranges": [],
            "PrefixListIds": [{"PrefixListId": list_id}],
            "UserIdGroupPairs": [],
        }

    task["IpPermissionsEgress"] = [to_list(CORP), to_list(S3_LIST)]
    data["ManagedPrefixLists"] = [
        {
            "PrefixListId": CORP,
            "AddressFamily": "IPv4",
            "State": "create-complete",
            "PrefixListArn": f"arn:aws:ec2:ap-northeast-1:111122223333:prefix-list/{CORP}",
            "PrefixListName": "corp-endpoints",
            "MaxEntries": 5,
            "Version": 1,
            "OwnerId": "111122223333",
        }
    ]
    # One of the two endpoint subnets only: the endpoints' ENIs in the other are not let out.
    data["PrefixListEntries"] = {
        CORP: [{"Cidr": "10.0.11.0/24", "Description": "endpoints a"}],
    }
    return data


INTACT = run_checks(_with_managed_list())


def _cases() -> list[Case]:
    data = _with_managed_list()
    out: list[Case] = []
    for key in ("ManagedPrefixLists", "PrefixListEntries"):
        for path, is_key in key_paths(data[key], (key,)):
            if is_key:
                out.append(Case("managed-list", path, True))
            out.append(Case("managed-list", path, False))
        out.append(Case("managed-list", (key,), True))
        out.append(Case("managed-list", (key,), False))
    return out


def test_the_intact_list_lets_out_only_what_it_holds() -> None:
    # Worth something only if some check does not pass because of the list.
    assert INTACT.code in (1, 3), INTACT
    assert any(v not in PASSING for v in INTACT.verdicts.values()), INTACT.verdicts
    assert any(v in PASSING for v in INTACT.verdicts.values()), INTACT.verdicts


@pytest.mark.parametrize("case", _cases(), ids=str)
def test_no_key_of_a_managed_prefix_list_removed_or_nulled_makes_a_check_pass(
    case: Case,
) -> None:
    after = run_checks(damaged(_with_managed_list(), case.path, case.remove))
    assert violations(case, INTACT, after) == []

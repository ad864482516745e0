"""AWS Region names, and whether a snapshot's own records agree with its Region.

The names come from ``netgraph/data/regions.json``, a table generated from botocore's
endpoint data (``python -m netgraph.sources.regions`` writes it again; botocore is imported
only then, never when a snapshot is read). A name not in the table but of a partition's
shape with a compass word (``ap-southeast-9``, ``us-gov-north-1``) is accepted: AWS opens
regions after any table is written. Anything else (``tokyo``, ``us-east``,
``ap-northeast1``) is not a region, and the message suggests the nearest one.

Only the snapshot's own regional records must agree with its Region: availability-zone
names, the ARNs of subnets, ECS clusters, services, tasks and task definitions, prefix
lists, and the Region in a VPC endpoint's ``ServiceName`` (unless ``ServiceRegion`` says the
endpoint reaches another region on purpose). IAM ARNs are global; an image in another
region's ECR and logs sent to another region are legitimate (they make ``internet``
targets), and are not compared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

_TABLE = Path(__file__).resolve().parent.parent / "data" / "regions.json"
_COMPASS = "(?:north|south|east|west|central|northeast|northwest|southeast|southwest)"


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_TABLE.read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def known_regions() -> dict[str, str]:
    """Every region of the table, with its description ("Asia Pacific (Tokyo)")."""
    out: dict[str, str] = {}
    for partition in _table()["partitions"]:
        out.update(partition["regions"])
    return out


@lru_cache(maxsize=1)
def _shapes() -> tuple[re.Pattern[str], ...]:
    """Each partition's region shape, its middle word a compass word (botocore's regexes
    accept any word there: ``us-tokyo-1`` is no region)."""
    shapes = []
    for partition in _table()["partitions"]:
        prefix = partition["prefix"]
        shapes.append(re.compile(rf"{prefix}-{_COMPASS}-[1-9][0-9]?"))
    return tuple(shapes)


def is_region(name: str) -> bool:
    return name in known_regions() or any(s.fullmatch(name) for s in _shapes())


def suggest(name: str) -> str | None:
    """The region a wrong name most likely meant: a city or country in a region's
    description ("tokyo", "Frankfurt"), else the nearest name ("ap-northeast1")."""
    regions = known_regions()
    # The words of a name that are not a region name's own (``us``, ``east``): a place.
    own = {w for r in regions for w in r.split("-")}
    words = [w for w in re.findall(r"[a-z]+", name.lower()) if w not in own]
    if words:
        for region, description in regions.items():
            described = re.findall(r"[a-z]+", description.lower())
            if all(w in described for w in words):
                return region
    import difflib  # only for a message

    close = difflib.get_close_matches(name.lower(), list(regions), n=1, cutoff=0.6)
    return close[0] if close else None


def not_a_region(where: str, name: str) -> str:
    """The message for a name that is no AWS region."""
    hint = suggest(name)
    mean = f" (did you mean {hint}?)" if hint else ""
    return (
        f"{where}: {name!r} is not an AWS region{mean}: give a region name such as "
        "ap-northeast-1, as `aws configure get region` prints it"
    )


# ---- the region a record names ---------------------------------------------------------

_AZ = re.compile(r"((?:[a-z]+-)+[0-9]+)(?:[a-z]|-.+)")


def region_of_zone(zone: str) -> str | None:
    """``ap-northeast-1a`` -> ``ap-northeast-1``; a Local Zone or Wavelength Zone
    (``us-west-2-lax-1a``) -> its parent region. None: not of that shape."""
    match = _AZ.fullmatch(zone)
    return match.group(1) if match else None


def region_of_arn(arn: str) -> str | None:
    """The Region field of an ARN; None when it has none (a global ARN) or is no ARN."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or not parts[3]:
        return None
    return parts[3]


def region_of_service_name(name: str) -> str | None:
    """``com.amazonaws.ap-northeast-1.ecr.api`` and ``com.amazonaws.vpce.REGION.vpce-svc-…``
    -> the region; None when the name holds none (``com.amazonaws.s3-global.accesspoint``)."""
    parts = name.split(".")
    for part in parts[1:4]:
        if is_region(part):
            return part
    return None


# (key, field, how its value names a region); ARNs and zones of these records are the
# snapshot's own: collected with the snapshot's region, they are in it.
_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("Subnets", "AvailabilityZone", "zone"),
    ("Subnets", "SubnetArn", "arn"),
    ("NetworkInterfaces", "AvailabilityZone", "zone"),
    ("ManagedPrefixLists", "PrefixListArn", "arn"),
    ("PrefixLists", "PrefixListName", "service"),
    ("VpcEndpoints", "ServiceName", "endpoint"),
    ("services", "serviceArn", "arn"),
    ("services", "clusterArn", "arn"),
    ("services", "taskDefinition", "arn"),
    ("taskDefinitions", "taskDefinitionArn", "arn"),
    ("tasks", "taskArn", "arn"),
    ("tasks", "availabilityZone", "zone"),
)


def _named(kind: str, value: str, record: dict[str, Any]) -> str | None:
    if kind == "zone":
        return region_of_zone(value)
    if kind == "arn":
        return region_of_arn(value)
    named = region_of_service_name(value)
    # A cross-region endpoint (PrivateLink) says where its service is: legitimate.
    if kind == "endpoint" and named is not None and record.get("ServiceRegion") == named:
        return None
    return named


def disagreements(lists: dict[str, list[Any]], region: str) -> Iterator[tuple[Any, str, str]]:
    """Each (record, key, the region its value names) that is not ``region``. ``lists``: the
    merged top-level lists of readers (``Obj``); a value of the wrong type is the readers' to
    refuse, and is passed over here."""
    for key, field, kind in _FIELDS:
        for obj in lists.get(key, ()):
            value = obj.data.get(field)
            if type(value) is not str:
                continue
            named = _named(kind, value, obj.data)
            # (a placeholder, "arn:aws:ecs:r:1:…", claims no region)
            if named is not None and named != region and is_region(named):
                yield obj, field, named


# ---- the table, written from botocore ----------------------------------------------------


def _generate() -> dict[str, Any]:
    """The table from the installed botocore's endpoint data (endpoints.json: regions and
    their descriptions; partitions.json: those botocore's endpoints.json has yet to list)."""
    import botocore

    data = Path(botocore.__file__).parent / "data"
    endpoints = json.loads((data / "endpoints.json").read_text(encoding="utf-8"))
    partitions = json.loads((data / "partitions.json").read_text(encoding="utf-8"))
    out: dict[str, dict[str, Any]] = {}
    for p in endpoints["partitions"]:
        regions = {name: r.get("description", "") for name, r in p["regions"].items()}
        out[p["partition"]] = {"id": p["partition"], "regions": regions}
    for p in partitions["partitions"]:
        entry = out.setdefault(p["id"], {"id": p["id"], "regions": {}})
        for name, r in p["regions"].items():
            if not name.endswith("-global"):
                entry["regions"].setdefault(name, r.get("description", ""))
    for entry in out.values():
        # The shape's first words: what every region of the partition starts with.
        prefixes = sorted({"-".join(n.split("-")[:-2]) for n in entry["regions"]})
        entry["prefix"] = "(?:" + "|".join(re.escape(p) for p in prefixes) + ")"
        entry["regions"] = dict(sorted(entry["regions"].items()))
    return {
        "source": f"botocore {botocore.__version__}: python -m netgraph.sources.regions",
        "partitions": sorted(out.values(), key=lambda e: str(e["id"])),
    }


if __name__ == "__main__":
    _TABLE.write_text(json.dumps(_generate(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {_TABLE}")

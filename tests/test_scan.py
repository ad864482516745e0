"""Scan: the memoized whole-account run gives exactly the verdicts of checking each source
alone (hypothesis over generated snapshots); summary, JSON, heatmap."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netgraph.cache import CONFIGURATION_FIELDS, answer_configuration, configuration
from netgraph.check import check_source
from netgraph.cli import main
from netgraph.flows import eni_source, service_sources
from netgraph.scan import MANAGED_INTERFACE_TYPES, _ScanCache, scan, summary
from netgraph.sources.snapshot import snapshot_from_data

from .conftest import ROOT, SAMPLES, examples, load_script, sample_data

generate = load_script("bench_generate", ROOT / "bench" / "generate.py").generate


def account(
    vpcs: int, subnets: int, enis: int, services: int, seed: int, **sizes: int
) -> dict[str, Any]:
    """A generated snapshot: four security groups and three route tables a VPC, unless
    ``sizes`` says otherwise."""
    shape = dict(
        security_groups=4 * vpcs, rules_per_group=3, route_tables=3 * vpcs, routes_per_table=6
    )
    data: dict[str, Any] = generate(
        vpcs=vpcs,
        subnets=subnets,
        enis=enis,
        services=services,
        seed=seed,
        **{**shape, **sizes},
    )
    return data


def outcome(t: Any) -> tuple[object, ...]:
    # A scan tells one configuration's answer for each of its sources: the source and its
    # own first hop must be this source's, the verdict, blocking hop and fix the same.
    return (
        t.source,
        t.hops[0],
        t.target,
        t.verdict,
        t.blocked_at.id if t.blocked_at else None,
        t.fix,
    )


@settings(
    max_examples=examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    vpcs=st.integers(1, 10),
    subnets=st.integers(3, 14),
    enis=st.integers(0, 25),
    services=st.integers(1, 6),
    seed=st.integers(0, 10_000),
)
def test_scan_equals_checking_each_source_alone(
    vpcs: int, subnets: int, enis: int, services: int, seed: int
) -> None:
    data = account(vpcs, subnets * vpcs, enis, services, seed)
    snap = snapshot_from_data(data)
    result = scan(snap, all_enis=True)
    alone = [outcome(t) for s in service_sources(snap) for t in check_source(snap, s)]
    for eni in (snap.network_interfaces or {}).values():
        if eni.interface_type not in MANAGED_INTERFACE_TYPES:
            alone += [outcome(t) for t in check_source(snap, eni_source(snap, eni.id))]
    assert [outcome(t) for t in result.traces] == alone
    assert result.distinct <= len(result.traces) + len(service_sources(snap)) * 2


@settings(
    max_examples=examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    vpcs=st.integers(1, 6),
    subnets=st.integers(3, 10),
    enis=st.integers(5, 40),
    services=st.integers(1, 6),
    seed=st.integers(0, 10_000),
)
def test_every_hop_of_the_scan_is_that_of_checking_alone(
    vpcs: int, subnets: int, enis: int, services: int, seed: int
) -> None:
    # The scan builds the path of a subnet once and judges only the security-group hops per
    # source (templates.template/fill): each hop, reason and fix must be those of a check of
    # that source alone. An ENI's answer is its subnet's unless a hop admitted only part of
    # the subnet; then it was checked with its own address.
    snap = snapshot_from_data(account(vpcs, subnets * vpcs, enis, services, seed))
    alone: dict[Any, dict[str, Any]] = {}
    for t in scan(snap, all_enis=True).traces:
        source = t.source
        if source.kind == "eni" and not t.partial:
            source = replace(source, address=None)
        if source not in alone:
            alone[source] = {a.target: a for a in check_source(snap, source)}
        expected = alone[source][t.target]
        assert t.hops[1:] == expected.hops[1:]
        assert (t.verdict, t.blocked_at, t.reason, t.fix, t.partial) == (
            expected.verdict,
            expected.blocked_at,
            expected.reason,
            expected.fix,
            expected.partial,
        )


def test_sources_of_one_subnet_are_judged_by_their_own_groups() -> None:
    # The endpoints admit 443 only from the web service's group: in the same subnet, an ENI
    # with another group is blocked at the endpoints' group, the service is not. The scan
    # builds that subnet's path once (for the service) and must judge the ENI's groups anew,
    # at its own egress and at the far side's ingress.
    data = sample_data("healthy-endpoints")
    endpoint_sg = next(g for g in data["SecurityGroups"] if g["GroupName"] == "vpc-endpoints")
    endpoint_sg["IpPermissions"][0]["IpRanges"] = []
    endpoint_sg["IpPermissions"][0]["UserIdGroupPairs"] = [{"GroupId": "sg-0b0b0b0b0b0b0b0b1"}]
    subnet = next(s for s in data["Subnets"] if s["SubnetId"] == "subnet-0a11c0ffee0000001")
    address = str(next(ipaddress.ip_network(subnet["CidrBlock"]).hosts()) + 9)
    data["NetworkInterfaces"].append(
        {
            "NetworkInterfaceId": "eni-0a0a0a0a0a0a0a0a9",
            "InterfaceType": "interface",
            "SubnetId": subnet["SubnetId"],
            "VpcId": subnet["VpcId"],
            "PrivateIpAddress": address,
            "Groups": [{"GroupId": "sg-0d0d0d0d0d0d0d0d0"}],
        }
    )
    snap = snapshot_from_data(data)
    traces = scan(snap, all_enis=True, targets=["ecr.api"]).traces
    by_source = {(t.source.kind, t.source.subnet_id): t for t in traces}
    service = by_source[("ecs-service", "subnet-0a11c0ffee0000001")]
    eni = by_source[("eni", "subnet-0a11c0ffee0000001")]
    assert service.verdict == "reachable"
    assert eni.verdict == "blocked" and eni.blocked_at is not None
    assert (eni.blocked_at.id, eni.blocked_at.kind) == (
        "sg-0e0e0e0e0e0e0e0e2",
        "security-group-ingress",
    )
    assert "sg-0d0d0d0d0d0d0d0d0 (the source's security group)" in (eni.fix or "")
    alone = check_source(snap, replace(eni.source, address=None), ["ecr.api"])[0]
    assert eni.hops[1:] == alone.hops[1:]


def test_doubling_enis_of_the_same_configurations_adds_no_work() -> None:
    base = account(vpcs=2, subnets=12, enis=40, services=4, seed=3)
    doubled = json.loads(json.dumps(base))
    extra = [
        dict(e, NetworkInterfaceId=e["NetworkInterfaceId"] + "d")
        for e in doubled["NetworkInterfaces"]
        if e["InterfaceType"] == "interface"
    ]
    doubled["NetworkInterfaces"] += extra
    one = scan(snapshot_from_data(base), all_enis=True)
    two = scan(snapshot_from_data(doubled), all_enis=True)
    assert two.enis == 2 * one.enis
    assert len(two.traces) > len(one.traces)
    assert two.distinct == one.distinct  # the cost grows with configurations, not ENIs


def test_a_service_and_an_eni_of_one_configuration_get_their_own_fixes() -> None:
    # A public subnet and no public IP: the fix for a service (assignPublicIp) is not the
    # fix for an ENI (an Elastic IP), though every hop is the same. The scan shares the
    # answer between them only where no hop speaks of the kind of source.
    data = sample_data("broken-public-no-public-ip")
    data["NetworkInterfaces"] = [
        {
            "NetworkInterfaceId": "eni-0abc0000000000001",
            "SubnetId": "subnet-0a11c0ffee0000101",
            "VpcId": data["Subnets"][0]["VpcId"],
            "PrivateIpAddress": "10.0.101.50",
            "Groups": [{"GroupId": "sg-0b0b0b0b0b0b0b0b1"}],
            "InterfaceType": "interface",
        }
    ]
    snap = snapshot_from_data(data)
    result = scan(snap, all_enis=True)
    alone = [outcome(t) for s in service_sources(snap) for t in check_source(snap, s)]
    alone += [outcome(t) for t in check_source(snap, eni_source(snap, "eni-0abc0000000000001"))]
    assert [outcome(t) for t in result.traces] == alone
    eni_fixes = {t.fix for t in result.traces if t.source.kind == "eni"}
    service_fixes = {t.fix for t in result.traces if t.source.kind == "ecs-service"}
    assert any(f and "Elastic IP" in f for f in eni_fixes)
    assert any(f and "assignPublicIp=ENABLED" in f for f in service_fixes)
    assert not any(f and "Elastic IP" in f for f in service_fixes)


def test_summary_names_the_most_common_blocking_hop() -> None:
    data = account(vpcs=10, subnets=60, enis=0, services=30, seed=1)
    snap = snapshot_from_data(data)
    s = summary(snap, scan(snap))
    top = s["blocking"][0]
    assert top["checks"] >= s["blocking"][-1]["checks"]
    assert top["id"].startswith(("acl-", "igw-", "rtb-", "sg-"))
    assert s["checks"] == sum(sum(v.values()) for v in s["by_target"].values())


def test_scan_cli_json_text_and_heatmap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = str(SAMPLES / "broken-nacl-no-ephemeral.json")
    heat = tmp_path / "heat.png"
    assert main(["scan", sample, "--all-enis", "--heatmap", str(heat)]) == 1
    text = capsys.readouterr().out
    assert "acl-0c0c0c0c0c0c0c0c1 (network-acl-inbound) blocks 10 checks in 1 service (" in text
    image = mpimg.imread(str(heat))
    assert image.ndim == 3 and image.shape[0] > 100
    assert main(["scan", sample, "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["blocking"][0]["id"] == "acl-0c0c0c0c0c0c0c0c1"
    assert len(doc["checks"]) == doc["summary"]["checks"] == 12
    assert main(["scan", str(SAMPLES / "healthy-endpoints.json")]) == 0


def test_scan_json_can_list_only_the_failing_checks(capsys: pytest.CaptureFixture[str]) -> None:
    sample = str(SAMPLES / "broken-nacl-no-ephemeral.json")
    assert main(["scan", sample, "--all-enis", "--format", "json"]) == 1
    full = json.loads(capsys.readouterr().out)
    assert main(["scan", sample, "--all-enis", "--format", "json", "--failing-only"]) == 1
    failing = json.loads(capsys.readouterr().out)
    expected = [c for c in full["checks"] if c["verdict"] not in ("reachable", "allowed")]
    assert 0 < len(failing["checks"]) == len(expected) < len(full["checks"])
    assert failing["checks"] == expected
    assert failing["summary"] == full["summary"] and failing["listed"] == "failing"
    assert "listed" not in full
    # Nothing to list is still a document, and still exit code 0.
    healthy = str(SAMPLES / "healthy-endpoints.json")
    assert main(["scan", healthy, "--format", "json", "--failing-only"]) == 0
    assert json.loads(capsys.readouterr().out)["checks"] == []
    assert main(["scan", sample, "--failing-only"]) == 2
    assert "--failing-only lists checks in JSON: add --format json" in capsys.readouterr().err


def test_heatmap_groups_coarser_until_the_rows_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netgraph.render import heatmap

    snap = snapshot_from_data(
        account(
            3,
            18,
            enis=60,
            services=3,
            seed=5,
            security_groups=24,
            route_tables=6,
            rules_per_group=2,
            routes_per_table=4,
        )
    )
    traces = scan(snap, all_enis=True).traces
    vpc_of = {s.id: s.vpc_id for s in (snap.subnets or {}).values()}
    pairs = {(t.source.subnet_id, t.source.security_group_ids) for t in traces}
    subnets = {t.source.subnet_id for t in traces}
    vpcs = {vpc_of[s] for s in subnets}
    assert len(pairs) > len(subnets) > len(vpcs) > 1
    for limit, rows, by in ((len(subnets), len(subnets), "subnet"), (len(vpcs), len(vpcs), "VPC")):
        monkeypatch.setattr(heatmap, "MAX_ROWS", limit)
        picture = heatmap.draw(traces, "t", vpc_of)
        assert picture.figure.texts[0].get_text().endswith(f"rows grouped by {by}")
        assert len(picture.labels) == rows


def test_heatmap_groups_rows_beyond_2000(tmp_path: Path) -> None:
    from netgraph.render import heatmap

    data = account(
        2, 8, enis=0, services=2, seed=2, route_tables=4, rules_per_group=2, routes_per_table=4
    )
    snap = snapshot_from_data(data)
    traces = list(scan(snap).traces)
    many = []
    for i in range(2100):  # more rows than MAX_ROWS: same configurations, other services
        t = traces[i % len(traces)]
        svc = t.source.service
        assert svc is not None
        many.append(
            type(t)(
                **{
                    **t.__dict__,
                    "source": type(t.source)(
                        **{
                            **t.source.__dict__,
                            "service": type(svc)(**{**svc.__dict__, "name": f"s{i}"}),
                        }
                    ),
                }
            )
        )
    picture = heatmap.draw(many, "t")
    assert "grouped" in picture.figure.texts[0].get_text()
    picture.save(tmp_path / "h.png")
    assert mpimg.imread(str(tmp_path / "h.png")).shape[0] < 30_000
    # Ungrouped, 1,500 rows: a tall picture, whose title stays at the top edge (not a
    # fraction of the height down, over the row labels).
    tall = heatmap.draw(many[:1500], "t")
    assert len(tall.labels) == 1500
    tall.save(tmp_path / "tall.png")
    image = mpimg.imread(str(tmp_path / "tall.png"))
    assert image.shape[0] > 20_000
    left_of_plot = int(tall.figure.axes[0].get_window_extent().x0) - 10
    assert (image[:30, :left_of_plot, :3].sum(axis=2) < 1.5).any()


def test_heatmap_labels_sit_on_their_rows_and_the_title_on_top(tmp_path: Path) -> None:
    from netgraph.render import heatmap

    snap = snapshot_from_data(account(2, 8, enis=30, services=3, seed=4))
    picture = heatmap.draw(scan(snap, all_enis=True).traces, "t")
    picture.save(tmp_path / "h.png")
    image = mpimg.imread(str(tmp_path / "h.png"))
    height = image.shape[0]
    box = picture.figure.axes[0].get_window_extent()
    top, row = height - box.y1, box.height / len(picture.labels)
    dark = image[:, :, :3].sum(axis=2) < 1.5  # text is black on white
    left = int(box.x0) - 4
    assert len(picture.labels) > 20
    for i in range(len(picture.labels)):
        band = dark[int(top + i * row + 2) : int(top + (i + 1) * row - 2), :left]
        assert band.any(), f"no label drawn on row {i}"
    gaps = dark[int(top + row - 1) : int(top + row + 1), :left]  # between rows 0 and 1
    assert gaps.sum() < dark[int(top + 2) : int(top + row - 2), :left].sum()


def test_streamed_json_is_the_document_with_its_summary() -> None:
    import io

    from netgraph.render import json as json_render

    snap = snapshot_from_data(sample_data("broken-nacl-no-ephemeral"))
    result = scan(snap, all_enis=True)
    s = summary(snap, result)
    out = io.StringIO()
    json_render.write(out, result.traces, snap.region, snap.account_id, summary=s)
    text = out.getvalue()
    expected = {**json_render.document(result.traces, snap.region, snap.account_id), "summary": s}
    assert json.loads(text) == json.loads(json.dumps(expected))
    # One check a line, so that a script (or grep) can read it line by line too.
    assert len(text.splitlines()) >= len(result.traces) + 2


def test_vpc_and_cluster_limit_the_scan_and_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = account(vpcs=3, subnets=18, enis=60, services=9, seed=5)
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(data))
    snap = snapshot_from_data(data)
    vpc_of = {s.id: s.vpc_id for s in (snap.subnets or {}).values()}
    vpc = sorted(snap.vpcs or {})[1]
    # this generated account is healthy (its default NACL lists its subnets, as AWS does)
    assert main(["scan", str(path), "--all-enis", "--format", "json"]) == 0
    everything = json.loads(capsys.readouterr().out)["checks"]
    assert {c["verdict"] for c in everything} == {"reachable", "allowed"}

    main(["scan", str(path), "--all-enis", "--format", "json", "--vpc", vpc])
    inside = json.loads(capsys.readouterr().out)["checks"]
    assert inside == [c for c in everything if vpc_of[c["source"]["subnet"]] == vpc]
    assert {c["source"]["kind"] for c in inside} == {"ecs-service", "eni"}

    cluster = sorted({s.cluster for s in (snap.services or {}).values()})[0]
    main(["scan", str(path), "--format", "json", "--cluster", cluster])
    theirs = json.loads(capsys.readouterr().out)["checks"]
    names = {s.name for s in (snap.services or {}).values() if s.cluster == cluster}
    assert theirs and {c["source"]["service"] for c in theirs} == names
    assert theirs == [c for c in everything if c["source"].get("service") in names]

    main(["check", str(path), "--format", "json", "--vpc", vpc])
    checked = json.loads(capsys.readouterr().out)["checks"]
    assert checked and all(vpc_of[c["source"]["subnet"]] == vpc for c in checked)
    assert checked == [c for c in inside if c["source"]["kind"] == "ecs-service"]

    # A service whose subnet the snapshot lacks may be in that VPC: it is checked (unknown),
    # not left out.
    lost = data["services"][0]["networkConfiguration"]["awsvpcConfiguration"]["subnets"][0]
    data["Subnets"] = [s for s in data["Subnets"] if s["SubnetId"] != lost]
    path.write_text(json.dumps(data))
    main(["scan", str(path), "--format", "json", "--vpc", vpc])
    kept = [
        c for c in json.loads(capsys.readouterr().out)["checks"] if c["source"]["subnet"] == lost
    ]
    network = [c for c in kept if not c["target"].startswith("iam:")]
    assert network and {c["verdict"] for c in network} == {"unknown"}

    # A name the snapshot does not hold is bad input, not an empty (or whole) account.
    assert main(["scan", str(path), "--vpc", "vpc-0000000000000dead"]) == 2
    assert "--vpc vpc-0000000000000dead: no such VPC in the snapshot" in capsys.readouterr().err
    assert main(["check", str(path), "--cluster", "nope"]) == 2
    assert "--cluster nope: no ECS service of the snapshot runs in it" in capsys.readouterr().err


def test_the_scan_drops_a_configurations_answers_after_its_last_eni() -> None:
    # The answers of a configuration are kept only while an ENI of it is left to tell them
    # to (the --all-enis peak: 420 -> 395 MB on hub-500). The cache indexes them by the
    # configuration's fields, which must be configuration()'s own.
    s = snapshot_from_data(account(vpcs=1, subnets=4, enis=6, services=1, seed=3))
    eni = next(
        e
        for e in (s.network_interfaces or {}).values()
        if e.interface_type not in MANAGED_INTERFACE_TYPES and e.subnet_id
    )
    source = eni_source(s, eni.id)
    config = configuration(source, any_address=True)
    assert len(config) == CONFIGURATION_FIELDS
    cache = _ScanCache()
    traces = check_source(s, replace(source, address=None), cache=cache)
    kept = [k for k in cache if answer_configuration(k) == config]
    assert kept and cache.computed == len(traces)
    assert all(answer_configuration(k) is None for k in cache if k[0] in ("iam", "template"))
    cache.forget_answers(config)
    assert not [k for k in cache if answer_configuration(k) == config]
    assert any(k[0] == "template" for k in cache)  # templates go by placement (forget)
    # The whole scan tells the ENI what checking it alone says.
    told = {t.target: t.verdict for t in scan(s, all_enis=True).traces if t.source.id == source.id}
    assert told == {t.target: t.verdict for t in check_source(s, source)}

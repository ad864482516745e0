"""ECS describe responses -> model: task definitions and their containers, services."""

from __future__ import annotations

from netgraph.arns import names_an_image
from netgraph.model import ContainerDefinition, EcsService, StoppedTask, TaskDefinition
from netgraph.sources.reader import Obj, SnapshotError


def container(o: Obj) -> ContainerDefinition:
    o.not_null("logConfiguration", "secrets", "repositoryCredentials")
    log = o.opt_obj("logConfiguration")
    options: tuple[tuple[str, str], ...] = ()
    if log is not None:
        if log.opt_str("logDriver") is None:
            raise SnapshotError(log.wording.missing(log.at(), "logDriver", always=True))
        opts = log.opt_obj("options")
        if opts is not None:
            options = tuple((k, opts.req(k)) for k in sorted(opts.data))
    creds = o.opt_obj("repositoryCredentials")
    return ContainerDefinition(
        name=o.opt_str("name") or "",
        image=o.req("image"),
        log_driver=log.opt_str("logDriver") if log else None,
        log_options=options,
        secrets=tuple(s.req("valueFrom") for s in o.objs("secrets")),
        repository_credentials=creds.req("credentialsParameter") if creds else None,
    )


def task_definition(o: Obj) -> TaskDefinition:
    arn = o.opt_str("taskDefinitionArn") or (f"{o.req('family')}:{o.opt_int('revision') or 0}")
    containers = tuple(container(c) for c in o.objs("containerDefinitions"))
    # What the task must reach comes from its containers: without them (or with an image
    # that names nothing) the targets cannot be derived, and an empty list would pass.
    unreadable = None
    if not containers:
        unreadable = f"{arn} has no containerDefinitions in the snapshot"
    for c in containers:
        if not names_an_image(c.image):
            unreadable = (
                f"the image '{c.image}' of container {c.name or '?'} in {arn} names nothing"
            )
    return TaskDefinition(
        arn=arn,
        family=o.opt_str("family") or arn.rsplit("/", 1)[-1].split(":")[0],
        revision=o.opt_int("revision"),
        network_mode=o.opt_str("networkMode"),
        execution_role_arn=o.opt_str("executionRoleArn"),
        containers=containers,
        unreadable=unreadable,
    )


def service(o: Obj) -> EcsService:
    name = o.req("serviceName")
    net = o.opt_obj("networkConfiguration")
    vpc_conf = net.opt_obj("awsvpcConfiguration") if net else None
    cluster_arn = o.opt_str("clusterArn") or ""
    return EcsService(
        name=name,
        arn=o.opt_str("serviceArn") or name,
        cluster=cluster_arn.rsplit("/", 1)[-1] if cluster_arn else "",
        task_definition=o.opt_str("taskDefinition") or "",
        launch_type=o.opt_str("launchType"),
        platform_version=o.opt_str("platformVersion"),
        subnet_ids=vpc_conf.strs("subnets") if vpc_conf else (),
        security_group_ids=vpc_conf.strs("securityGroups") if vpc_conf else (),
        assign_public_ip=(vpc_conf.opt_str("assignPublicIp") == "ENABLED") if vpc_conf else False,
        has_awsvpc_configuration=vpc_conf is not None,
    )


def stopped_tasks(items: list[Obj]) -> tuple[StoppedTask, ...]:
    """The stopped tasks of `aws ecs describe-tasks` (those that say why they stopped)."""
    return tuple(
        StoppedTask(o.req("taskArn"), o.opt_str("group") or "", o.req("stoppedReason"))
        for o in items
        if o.opt_str("stoppedReason")
    )

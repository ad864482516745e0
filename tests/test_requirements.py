"""Task definition -> the targets the task must reach."""

from __future__ import annotations

from netgraph.arns import ecr_image
from netgraph.model import ContainerDefinition, TaskDefinition
from netgraph.requirements import needs

REGION = "ap-northeast-1"
ECR = f"111122223333.dkr.ecr.{REGION}.amazonaws.com/web:1"


def td(*containers: ContainerDefinition) -> TaskDefinition:
    return TaskDefinition("arn:td", "web", 1, "awsvpc", "arn:role", containers)


def c(
    image: str = ECR,
    log: str | None = None,
    secrets: tuple[str, ...] = (),
    creds: str | None = None,
    log_region: str | None = None,
) -> ContainerDefinition:
    opts = (("awslogs-region", log_region),) if log_region else ()
    return ContainerDefinition("app", image, log, opts, secrets, creds)


def targets(t: TaskDefinition, platform: str | None = None) -> list[str]:
    return [n.target for n in needs(t, REGION, platform)]


def test_private_ecr_image_in_this_region_needs_api_dkr_and_s3() -> None:
    assert targets(td(c())) == ["ecr.api", "ecr.dkr", "s3"]


def test_ecr_image_of_another_region_and_docker_hub_need_the_internet() -> None:
    assert targets(td(c("111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1"))) == ["internet"]
    assert targets(td(c("nginx:1.27"))) == ["internet"]
    assert targets(td(c("public.ecr.aws/nginx/nginx:latest"))) == ["internet"]


def test_awslogs_and_secrets() -> None:
    secret = f"arn:aws:secretsmanager:{REGION}:111122223333:secret:db-AbCdEf"
    param = f"arn:aws:ssm:{REGION}:111122223333:parameter/app/key"
    got = targets(td(c(log="awslogs", secrets=(secret, param))))
    assert got == ["ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager", "ssm"]
    assert "ssm" in targets(td(c(secrets=("plain-parameter-name",))))


def test_private_registry_credentials_need_secrets_manager() -> None:
    got = targets(td(c("ghcr.io/acme/app:1", creds=f"arn:aws:secretsmanager:{REGION}:1:secret:x")))
    assert got == ["secretsmanager", "internet"]


def test_logs_to_another_region_go_over_the_internet() -> None:
    assert targets(td(c(log="awslogs", log_region="us-east-1"))) == [
        "ecr.api",
        "ecr.dkr",
        "s3",
        "internet",
    ]


def test_platform_1_3_fetches_auth_and_secrets_out_of_band() -> None:
    secret = f"arn:aws:secretsmanager:{REGION}:111122223333:secret:db-AbCdEf"
    assert targets(td(c(secrets=(secret,))), "1.3.0") == ["ecr.dkr", "s3"]


def test_ecr_image_parsing() -> None:
    assert ecr_image(ECR) == ("111122223333", REGION)
    assert ecr_image("111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/x:1") == (
        "111122223333",
        "cn-north-1",
    )
    assert ecr_image("docker.io/library/nginx") is None

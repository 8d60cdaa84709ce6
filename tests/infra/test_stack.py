"""The CDK stack, synthesized offline once per session (runs `chalice package`, no AWS account needed)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template
from cfnlint.api import lint_file  # type: ignore[import-untyped]

from chalicelib.store import table_spec
from infra.app import build, settings_from_context
from infra.sizing import LAMBDA_MEMORY_MB
from infra.stack import StageSettings

SENDER = "notices@example.com"
# Settings the app also reads from the environment: cleared so that a developer's shell cannot change the stacks.
ENVIRONMENT_SETTINGS = (
    "PUBLIC_URL",
    "ALARM_EMAIL",
    "THROTTLE_RATE",
    "THROTTLE_BURST",
    "RESERVED_CONCURRENCY",
)
Synthesized = tuple[Template, dict[str, Any], Path]


def _synth(workdir: Path, context: dict[str, Any]) -> Synthesized:
    """The template of the stack ``build`` makes from ``context`` (as an assertions Template, as JSON) and its file."""
    previous = os.getcwd()
    os.chdir(workdir)  # chalice.cdk.Chalice writes ./chalice.out
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name in ENVIRONMENT_SETTINGS:
                patch.delenv(name, raising=False)
            app = cdk.App(outdir=str(workdir / "cdk.out"), context=context)
            stack = build(app)
            assembly = app.synth()
    finally:
        os.chdir(previous)
    path = Path(assembly.get_stack_by_name(stack.stack_name).template_full_path)
    return Template.from_stack(stack), json.loads(path.read_text()), path


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The prod stack with the default limits."""
    return _synth(
        tmp_path_factory.mktemp("cdk"),
        {"stage": "prod", "sender_email": SENDER, "public_url": "https://qbwc.example.com"},
    )


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The dev stack of a first deploy (no public_url) with every limit set through the context, as strings
    (what ``-c name=value`` gives)."""
    return _synth(
        tmp_path_factory.mktemp("cdk-limited"),
        {
            "stage": "dev",
            "sender_email": SENDER,
            "throttle_rate": "20",
            "throttle_burst": "40",
            "reserved_concurrency": "5",
        },
    )


def _resources(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


def test_table_matches_table_spec(synthesized):
    template, raw, _ = synthesized
    (table,) = _resources(raw, "AWS::DynamoDB::Table").values()
    props = table["Properties"]
    assert props["TableName"] == "qbwc-bridge-prod"
    assert props["KeySchema"] == table_spec.KEY_SCHEMA
    assert sorted(props["AttributeDefinitions"], key=lambda d: d["AttributeName"]) == sorted(
        table_spec.ATTRIBUTE_DEFINITIONS, key=lambda d: d["AttributeName"]
    )
    assert props["GlobalSecondaryIndexes"] == table_spec.GLOBAL_SECONDARY_INDEXES
    assert props["TimeToLiveSpecification"] == {"AttributeName": table_spec.TTL_ATTRIBUTE, "Enabled": True}
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == "Retain" and table["UpdateReplacePolicy"] == "Retain"
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": table_spec.KEY_SCHEMA,
            "GlobalSecondaryIndexes": table_spec.GLOBAL_SECONDARY_INDEXES,
            "BillingMode": "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        },
    )


def test_sender_identity(synthesized):
    template, _, _ = synthesized
    template.has_resource_properties("AWS::SES::EmailIdentity", {"EmailIdentity": SENDER})


def _statements(raw: dict[str, Any]) -> list[dict[str, Any]]:
    statements = []
    for kind in ("AWS::IAM::Policy", "AWS::IAM::Role"):
        for resource in _resources(raw, kind).values():
            props = resource["Properties"]
            documents = [props.get("PolicyDocument")] + [
                p["PolicyDocument"] for p in props.get("Policies", [])
            ]
            for document in filter(None, documents):
                statements += document["Statement"]
    return statements


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_lambda_role_is_least_privilege(synthesized):
    _, raw, _ = synthesized
    (table_id,) = _resources(raw, "AWS::DynamoDB::Table")
    table_arn = {"Fn::GetAtt": [table_id, "Arn"]}
    statements = _statements(raw)
    seen = set()
    for statement in statements:
        actions = _as_list(statement["Action"])
        resources = _as_list(statement["Resource"])
        assert "*" not in resources and all(a != "*" and not a.endswith(":*") for a in actions), statement
        services = {a.split(":")[0] for a in actions}
        assert len(services) == 1, statement
        service = services.pop()
        seen.add(service)
        if service == "dynamodb":
            assert resources == [table_arn, {"Fn::Join": ["", [table_arn, "/index/*"]]}]
            assert "dynamodb:Scan" not in actions and "dynamodb:DescribeTable" not in actions
        elif service == "ses":
            assert sorted(actions) == ["ses:SendEmail", "ses:SendRawEmail"]
            (arn,) = resources
            assert arn["Fn::Join"][1][-1] == f":identity/{SENDER}"
        elif service == "logs":
            log_groups = set(_resources(raw, "AWS::Logs::LogGroup"))
            assert {r["Fn::GetAtt"][0] for r in resources} == log_groups
            assert all(r["Fn::GetAtt"][1] == "Arn" for r in resources)
        else:
            pytest.fail(f"unexpected permission: {statement}")
    assert seen == {"dynamodb", "ses", "logs"}
    role_id = next(iter(_resources(raw, "AWS::IAM::Role")))
    for function in _resources(raw, "AWS::Serverless::Function").values():
        assert function["Properties"]["Role"] == {"Fn::GetAtt": [role_id, "Arn"]}


def test_functions_settings_and_environment(synthesized):
    _, raw, _ = synthesized
    functions = _resources(raw, "AWS::Serverless::Function")
    assert len(functions) >= 4  # the API handler and the three schedules (plus the authorizer)
    (table_id,) = _resources(raw, "AWS::DynamoDB::Table")
    for function in functions.values():
        props = function["Properties"]
        assert props["Timeout"] <= 28 and props["MemorySize"] == LAMBDA_MEMORY_MB
        env = props["Environment"]["Variables"]
        assert env["TABLE_NAME"] == {"Ref": table_id}
        assert env["SENDER_EMAIL"] == SENDER
        assert env["PUBLIC_URL"] == "https://qbwc.example.com"
        assert env["STAGE"] == "prod"
    log_groups = _resources(raw, "AWS::Logs::LogGroup").values()
    assert len(log_groups) == len(functions)
    named = {g["Properties"]["LogGroupName"]["Fn::Sub"] for g in log_groups}
    assert named == {f"/aws/lambda/${{{name}}}" for name in functions}
    assert all(g["Properties"]["RetentionInDays"] == 90 for g in log_groups)


def test_api_is_regional(synthesized):
    template, _, _ = synthesized
    template.has_resource_properties(
        "AWS::Serverless::Api", {"EndpointConfiguration": Match.any_value(), "StageName": "api"}
    )
    _, raw, _ = synthesized
    (api,) = _resources(raw, "AWS::Serverless::Api").values()
    endpoint = api["Properties"]["EndpointConfiguration"]
    types = endpoint["Types"] if isinstance(endpoint, dict) else [endpoint]
    assert types == ["REGIONAL"]


def test_alarms_notify_the_topic(synthesized):
    _, raw, _ = synthesized
    (topic_id,) = _resources(raw, "AWS::SNS::Topic")
    alarms = _resources(raw, "AWS::CloudWatch::Alarm").values()
    assert len(alarms) >= 4
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": topic_id}] for a in alarms)
    metrics = {a["Properties"].get("MetricName") for a in alarms}
    assert {"Errors", "Throttles", "5XXError"} <= metrics
    functions = set(_resources(raw, "AWS::Serverless::Function"))
    for name in ("Errors", "Throttles"):
        watched = {
            a["Properties"]["Dimensions"][0]["Value"]["Ref"]
            for a in alarms
            if a["Properties"].get("MetricName") == name
        }
        assert watched == functions
    throttle_metrics = {
        m.get("MetricStat", {}).get("Metric", {}).get("MetricName")
        for a in alarms
        for m in a["Properties"].get("Metrics", [])
    }
    assert {"ReadThrottleEvents", "WriteThrottleEvents", "ThrottledRequests"} <= throttle_metrics


@pytest.mark.parametrize("stack", ["synthesized", "limited"])
def test_cfn_lint_finds_no_errors(stack, request):
    _, _, path = request.getfixturevalue(stack)
    matches = lint_file(path)
    errors = [str(m) for m in matches if m.rule.id.startswith("E")]
    assert not errors, "\n".join(errors)


def _stage_throttling(rate: int, burst: int) -> list[dict[str, Any]]:
    return [
        {"ResourcePath": "/*", "HttpMethod": "*", "ThrottlingRateLimit": rate, "ThrottlingBurstLimit": burst}
    ]


def _api_functions(raw: dict[str, Any]) -> set[str]:
    """The functions API Gateway may invoke (the targets of its invoke permissions)."""
    functions = set()
    for permission in _resources(raw, "AWS::Lambda::Permission").values():
        props = permission["Properties"]
        if props["Principal"] == "apigateway.amazonaws.com":
            target = props["FunctionName"]
            functions.add(target["Ref"] if "Ref" in target else target["Fn::GetAtt"][0])
    return functions


def test_api_stage_is_throttled_by_default_and_reserves_nothing(synthesized):
    template, _, _ = synthesized
    # The documented defaults (infra/README.md, "Limits"): 50 requests/s, bursts of 100, on every method.
    template.has_resource_properties("AWS::Serverless::Api", {"MethodSettings": _stage_throttling(50, 100)})
    template.all_resources_properties(
        "AWS::Serverless::Function", {"ReservedConcurrentExecutions": Match.absent()}
    )


def test_limits_from_context(limited):
    template, raw, _ = limited
    template.has_resource_properties("AWS::Serverless::Api", {"MethodSettings": _stage_throttling(20, 40)})
    served = _api_functions(raw)
    assert {"APIHandler", "BearerToken"} <= served  # the API handler and the authorizer
    functions = _resources(raw, "AWS::Serverless::Function")
    reserved = {
        name: f["Properties"]["ReservedConcurrentExecutions"]
        for name, f in functions.items()
        if "ReservedConcurrentExecutions" in f["Properties"]
    }
    assert reserved == dict.fromkeys(served, 5)
    scheduled = {name for name, f in functions.items() if f["Properties"].get("Events")}
    assert scheduled and not scheduled & set(reserved)  # no request can start these: nothing reserved


def test_first_deploy_without_public_url_uses_the_placeholder(limited):
    template, raw, _ = limited
    template.has_output("QbwcUrl", {"Value": "https://qbwc-bridge-dev.example.invalid/qbwc"})
    for function in _resources(raw, "AWS::Serverless::Function").values():
        assert function["Properties"]["Environment"]["Variables"]["PUBLIC_URL"] == (
            "https://qbwc-bridge-dev.example.invalid"
        )


def _app(context: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> cdk.App:
    """An app with only ``context`` (no settings from the environment), run from ``tmp_path``."""
    for name in ENVIRONMENT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # if build() ever got past the checks, chalice.out would land here
    return cdk.App(outdir=str(tmp_path / "cdk.out"), context={"sender_email": SENDER, **context})


def test_settings_defaults_and_context_values(monkeypatch, tmp_path):
    defaults = settings_from_context(_app({}, monkeypatch, tmp_path))
    assert (defaults.throttle_rate, defaults.throttle_burst, defaults.reserved_concurrency) == (50, 100, None)
    assert defaults.public_url == ""  # allowed: the first deploy, before the API URL exists
    # Numbers from cdk.json arrive as ints, from `-c` as strings.
    app = _app(
        {"throttle_rate": 10, "throttle_burst": "15", "reserved_concurrency": 3}, monkeypatch, tmp_path
    )
    settings = settings_from_context(app)
    assert (settings.throttle_rate, settings.throttle_burst, settings.reserved_concurrency) == (10, 15, 3)


def test_limits_read_from_the_environment(monkeypatch, tmp_path):
    app = _app({}, monkeypatch, tmp_path)
    monkeypatch.setenv("THROTTLE_RATE", "7")  # what `make synth THROTTLE_RATE=7` passes
    monkeypatch.setenv("RESERVED_CONCURRENCY", "2")
    settings = settings_from_context(app)
    assert (settings.throttle_rate, settings.reserved_concurrency) == (7, 2)


@pytest.mark.parametrize("name", ["throttle_rate", "throttle_burst", "reserved_concurrency"])
@pytest.mark.parametrize("value", ["0", "-5", "1.5", "ten", "50/s", True])
def test_invalid_limit_stops_synth(name, value, monkeypatch, tmp_path):
    with pytest.raises(SystemExit) as stopped:
        build(_app({name: value}, monkeypatch, tmp_path))
    message = str(stopped.value.code)
    assert message.startswith(f"{name} must be a positive integer") and repr(str(value)) in message


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://qbwc.example.com", "requires an https URL"),
        ("https://203.0.113.7/api", "by IP address"),
        ("qbwc.example.com/api", "absolute http(s) URL"),
    ],
)
def test_public_url_qbwc_refuses_stops_synth(url, problem, monkeypatch, tmp_path):
    with pytest.raises(SystemExit) as stopped:
        build(_app({"public_url": url}, monkeypatch, tmp_path))
    message = str(stopped.value.code)
    assert message.startswith("public_url: ") and problem in message


@pytest.mark.parametrize("field", ["throttle_rate", "throttle_burst", "reserved_concurrency"])
def test_stage_settings_reject_non_positive_limits(field):
    limits: dict[str, Any] = {field: 0}
    with pytest.raises(ValueError, match=field):
        StageSettings(stage="dev", sender_email=SENDER, **limits)

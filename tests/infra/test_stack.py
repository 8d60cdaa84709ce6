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
from infra.app import build

SENDER = "notices@example.com"


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> tuple[Template, dict[str, Any], Path]:
    """The prod stack's template (as an assertions Template and as JSON) and the template file."""
    workdir = tmp_path_factory.mktemp("cdk")
    previous = os.getcwd()
    os.chdir(workdir)  # chalice.cdk.Chalice writes ./chalice.out
    try:
        app = cdk.App(
            outdir=str(workdir / "cdk.out"),
            context={"stage": "prod", "sender_email": SENDER, "public_url": "https://qbwc.example.com"},
        )
        stack = build(app)
        assembly = app.synth()
    finally:
        os.chdir(previous)
    path = Path(assembly.get_stack_by_name(stack.stack_name).template_full_path)
    return Template.from_stack(stack), json.loads(path.read_text()), path


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
        assert props["Timeout"] <= 28 and props["MemorySize"] >= 512
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


def test_cfn_lint_finds_no_errors(synthesized):
    _, _, path = synthesized
    matches = lint_file(path)
    errors = [str(m) for m in matches if m.rule.id.startswith("E")]
    assert not errors, "\n".join(errors)

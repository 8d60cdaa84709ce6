"""The qbwc-bridge CDK stack: the DynamoDB table, the SES sender, the Chalice app, its IAM role and alarms.

One stack per stage (``dev``, ``prod``). The table comes from ``chalicelib/store/table_spec.py`` so that the
deployed keys and indexes are the ones the code, the local stack and the tests use. The Chalice app is packaged
by ``chalice.cdk.Chalice`` (which runs ``chalice package`` on the repository) and runs with a role this stack
writes: only its own table and indexes, its own SES identity and its own log groups. The API's stage is
throttled and, on request, its functions get reserved concurrency (``_limit_api``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from chalice.cdk import Chalice
from constructs import Construct

from chalicelib.store import table_spec
from infra.sizing import LAMBDA_MEMORY_MB

REPO_ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "qbwc-bridge"
# Days CloudWatch Logs keeps the functions' logs (chalice's `log_retention_in_days`).
LOG_RETENTION_DAYS = 90
# What the app does with its table (chalicelib/store); no scans, no table administration.
TABLE_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:BatchWriteItem",
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
]
SES_ACTIONS = ["ses:SendEmail", "ses:SendRawEmail"]
# API Gateway stage throttling (requests per second, and the bucket of requests allowed at once), for every
# method, before any Lambda runs. QBWC calls one at a time per company file (a few calls a second at most) and
# an admin page a few per second, so 50/s with bursts of 100 leaves room for dozens of company files, admins and
# source systems at once, while a flood of unauthenticated requests is cut to 50/s instead of the account's
# 10,000/s. See infra/README.md ("Limits") for how to change them.
DEFAULT_THROTTLE_RATE = 50
DEFAULT_THROTTLE_BURST = 100
_ATTRIBUTE_TYPES = {
    "S": dynamodb.AttributeType.STRING,
    "N": dynamodb.AttributeType.NUMBER,
    "B": dynamodb.AttributeType.BINARY,
}


@dataclass(frozen=True)
class StageSettings:
    """What differs between stages and deployments (from CDK context; see infra/app.py)."""

    stage: str
    sender_email: str
    # The https base URL QBWC is given (API Gateway URL + "/api", or a custom domain). Unknown before the first
    # deploy: then a placeholder is used and the stack output `ApiUrl` says what to set.
    public_url: str = ""
    # Where alarm notices go (an e-mail subscription to the SNS topic); none if empty.
    alarm_email: str = ""
    # API Gateway stage throttling: steady requests per second and burst (see DEFAULT_THROTTLE_RATE).
    throttle_rate: int = DEFAULT_THROTTLE_RATE
    throttle_burst: int = DEFAULT_THROTTLE_BURST
    # Reserved concurrency of each function behind the API; None reserves nothing (the default: an account
    # with a small Lambda concurrency quota cannot reserve any, and the deploy would fail).
    reserved_concurrency: int | None = None

    def __post_init__(self) -> None:
        limits = {"throttle_rate": self.throttle_rate, "throttle_burst": self.throttle_burst}
        if self.reserved_concurrency is not None:
            limits["reserved_concurrency"] = self.reserved_concurrency
        for name, value in limits.items():
            # bool is an int; 0 would stop the API (a zero rate or reserved concurrency answers nothing).
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")

    @property
    def is_prod(self) -> bool:
        return self.stage == "prod"

    @property
    def table_name(self) -> str:
        """The table name; the same as `make token STAGE=...` and .chalice/config.json expect."""
        return f"{APP_NAME}-{self.stage}"

    @property
    def effective_public_url(self) -> str:
        return self.public_url or f"https://{APP_NAME}-{self.stage}.example.invalid"


class ChaliceApp(Chalice):
    """``chalice.cdk.Chalice`` with a fix for chalice 1.34's packaged template.

    With ``log_retention_in_days`` set, `chalice package` names the API handler's log group after
    ``${ApiHandler}`` while the function is ``APIHandler``, and CfnInclude rejects the dangling reference.
    Each log group's ``Fn::Sub`` is pointed at the function whose logical id matches without regard to case.
    """

    def _generate_sam_template_with_assets(self, chalice_out_dir: str, package_id: str) -> str:
        path: str = super()._generate_sam_template_with_assets(chalice_out_dir, package_id)
        with open(path) as file:
            template = json.load(file)
        resources: dict[str, Any] = template["Resources"]
        by_lower = {name.lower(): name for name in resources}
        for resource in resources.values():
            if resource["Type"] != "AWS::Logs::LogGroup":
                continue
            sub = resource["Properties"]["LogGroupName"].get("Fn::Sub")
            match = re.fullmatch(r"/aws/lambda/\$\{(\w+)\}", sub or "")
            if match and match[1] not in resources and match[1].lower() in by_lower:
                resource["Properties"]["LogGroupName"]["Fn::Sub"] = (
                    f"/aws/lambda/${{{by_lower[match[1].lower()]}}}"
                )
        with open(path, "w") as file:
            json.dump(template, file, indent=2)
        return path


def _attribute(name: str) -> dynamodb.Attribute:
    """The CDK attribute for ``name`` with the type table_spec.ATTRIBUTE_DEFINITIONS gives it."""
    types = {d["AttributeName"]: d["AttributeType"] for d in table_spec.ATTRIBUTE_DEFINITIONS}
    return dynamodb.Attribute(name=name, type=_ATTRIBUTE_TYPES[types[name]])


def _key(key_schema: list[dict[str, str]], key_type: str) -> dynamodb.Attribute | None:
    names = [k["AttributeName"] for k in key_schema if k["KeyType"] == key_type]
    return _attribute(names[0]) if names else None


class QbwcBridgeStack(cdk.Stack):
    """Everything one stage of qbwc-bridge runs on."""

    def __init__(self, scope: Construct, construct_id: str, settings: StageSettings, **kwargs: Any) -> None:
        """``construct_id`` must be the stage name: the Chalice construct uses it as the chalice stage."""
        super().__init__(scope, construct_id, **kwargs)
        self.settings = settings
        self.table = self._table()
        self.sender = ses.EmailIdentity(
            self, "SenderIdentity", identity=ses.Identity.email(settings.sender_email)
        )
        self.sender_identity_arn = self.format_arn(
            service="ses", resource="identity", resource_name=settings.sender_email
        )
        self.role = iam.Role(
            self,
            "LambdaRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{APP_NAME} {settings.stage}: its own table, SES identity and logs only",
        )
        self.chalice = self._chalice_app()
        self.function_ids = self._function_logical_ids()
        self.api_function_ids = self._api_function_logical_ids()
        self._limit_api()
        self._grant()
        self.alarm_topic = sns.Topic(self, "AlarmTopic", display_name=f"{APP_NAME} {settings.stage} alarms")
        if settings.alarm_email:
            sns.Subscription(
                self,
                "AlarmEmail",
                topic=self.alarm_topic,
                protocol=sns.SubscriptionProtocol.EMAIL,
                endpoint=settings.alarm_email,
            )
        self._alarms()
        rest_api = self.chalice.get_resource("RestAPI")
        cdk.CfnOutput(
            self,
            "ApiUrl",
            value=cdk.Fn.sub(
                "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/",
                {"Api": rest_api.ref},
            ),
            description="The API's base URL: deploy again with -c public_url=<this, without the slash>",
        )
        cdk.CfnOutput(self, "QbwcUrl", value=settings.effective_public_url.rstrip("/") + "/qbwc")
        cdk.CfnOutput(self, "TableName", value=self.table.table_name)
        cdk.CfnOutput(self, "AlarmTopicArn", value=self.alarm_topic.topic_arn)

    def _table(self) -> dynamodb.Table:
        """The table exactly as table_spec defines it (keys, attribute types, GSIs, TTL)."""
        partition_key = _key(table_spec.KEY_SCHEMA, "HASH")
        assert partition_key is not None
        prod = self.settings.is_prod
        table = dynamodb.Table(
            self,
            "Table",
            table_name=self.settings.table_name,
            partition_key=partition_key,
            sort_key=_key(table_spec.KEY_SCHEMA, "RANGE"),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=table_spec.TTL_ATTRIBUTE,
            deletion_protection=prod,
            removal_policy=cdk.RemovalPolicy.RETAIN if prod else cdk.RemovalPolicy.DESTROY,
        )
        for index in table_spec.GLOBAL_SECONDARY_INDEXES:
            if index["Projection"]["ProjectionType"] != "ALL":
                raise ValueError(f"{index['IndexName']}: only ProjectionType ALL is mapped")
            index_key = _key(index["KeySchema"], "HASH")
            assert index_key is not None
            table.add_global_secondary_index(
                index_name=index["IndexName"],
                partition_key=index_key,
                sort_key=_key(index["KeySchema"], "RANGE"),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        return table

    def _chalice_app(self) -> ChaliceApp:
        """The Chalice app (API Gateway + the functions), run with this stack's role and settings.

        The stage config overrides .chalice/config.json (whose placeholders are for chalice alone): the
        role is ours (no chalice-made policy), and the environment points at this stack's table and sender.
        """
        settings = self.settings
        return ChaliceApp(
            self,
            "App",
            source_dir=str(REPO_ROOT),
            stage_config={
                "api_gateway_stage": "api",
                "api_gateway_endpoint_type": "REGIONAL",
                "manage_iam_role": False,
                "iam_role_arn": self.role.role_arn,
                "autogen_policy": False,
                "lambda_timeout": 28,
                "lambda_memory_size": LAMBDA_MEMORY_MB,
                "log_retention_in_days": LOG_RETENTION_DAYS,
                "environment_variables": {
                    "STAGE": settings.stage,
                    "TABLE_NAME": self.table.table_name,
                    "SENDER_EMAIL": settings.sender_email,
                    "PUBLIC_URL": settings.effective_public_url,
                },
            },
        )

    def _function_logical_ids(self) -> list[str]:
        """Logical ids of the functions `chalice package` made (the API handler and one per schedule)."""
        ids = []
        for child in self.chalice.sam_template.node.children:
            if isinstance(child, cdk.CfnResource) and child.cfn_resource_type == "AWS::Serverless::Function":
                ids.append(child.node.id)
        return sorted(ids)

    def _api_function_logical_ids(self) -> list[str]:
        """Logical ids of the functions API Gateway invokes (the API handler and the authorizer).

        Found through the invoke permissions chalice grants to API Gateway, so a new authorizer is covered
        and the scheduled functions (which no request can start) are not.
        """
        ids = set()
        for child in self.chalice.sam_template.node.children:
            if isinstance(child, lambda_.CfnPermission) and child.principal == "apigateway.amazonaws.com":
                target = self.resolve(child.function_name)  # {"Ref": id} or {"Fn::GetAtt": [id, "Arn"]}
                ids.add(target["Ref"] if "Ref" in target else target["Fn::GetAtt"][0])
        if not ids:
            raise RuntimeError("chalice package granted API Gateway no function: has the template changed?")
        return sorted(ids)

    def _limit_api(self) -> None:
        """Bound the work unauthenticated callers can cause: stage throttling, opt-in reserved concurrency.

        Throttling is set on the SAM API's stage (``MethodSettings`` for every resource and method): requests
        over it get 429 from API Gateway without starting a function. Reserved concurrency, when asked for,
        caps (and reserves from the account) the concurrent runs of each function behind the API.
        """
        settings = self.settings
        self.chalice.get_resource("RestAPI").add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": settings.throttle_rate,
                    "ThrottlingBurstLimit": settings.throttle_burst,
                }
            ],
        )
        if settings.reserved_concurrency is not None:
            for function_id in self.api_function_ids:
                self.chalice.get_resource(function_id).add_property_override(
                    "ReservedConcurrentExecutions", settings.reserved_concurrency
                )

    def _log_group_arns(self) -> list[str]:
        """ARNs of the functions' log groups (chalice makes one per function when retention is set)."""
        arns = []
        for child in self.chalice.sam_template.node.children:
            if isinstance(child, cdk.CfnResource) and child.cfn_resource_type == "AWS::Logs::LogGroup":
                arns.append(child.get_att("Arn").to_string())
        return arns

    def _grant(self) -> None:
        """The role's only permissions: table + indexes, the sender identity, the functions' log groups.

        A separate policy resource (not inline on the role): the log groups name the functions, which name
        the role, so inlining would be a dependency cycle.
        """
        log_groups = self._log_group_arns()
        if not log_groups:
            raise RuntimeError("chalice package made no log groups: is log_retention_in_days set?")
        iam.Policy(
            self,
            "LambdaPolicy",
            roles=[self.role],
            statements=[
                iam.PolicyStatement(
                    sid="OwnTable",
                    actions=TABLE_ACTIONS,
                    resources=[self.table.table_arn, f"{self.table.table_arn}/index/*"],
                ),
                iam.PolicyStatement(
                    sid="SendMail", actions=SES_ACTIONS, resources=[self.sender_identity_arn]
                ),
                iam.PolicyStatement(
                    sid="OwnLogs",
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=log_groups,
                ),
            ],
        )

    def _alarm(
        self, alarm_id: str, metric: cloudwatch.IMetric, description: str, threshold: float = 1
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            alarm_id,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.alarm_topic))

    def _alarms(self) -> None:
        """Alarms on every function (errors, throttles), API Gateway 5xx, DynamoDB throttling, SES reputation."""
        five_minutes = cdk.Duration.minutes(5)
        for function_id in self.function_ids:
            name = self.chalice.get_resource(function_id).ref
            for metric_name in ("Errors", "Throttles"):
                self._alarm(
                    f"{function_id}{metric_name}Alarm",
                    cloudwatch.Metric(
                        namespace="AWS/Lambda",
                        metric_name=metric_name,
                        dimensions_map={"FunctionName": name},
                        statistic="Sum",
                        period=five_minutes,
                    ),
                    f"Lambda {function_id}: {metric_name.lower()} in the last 5 minutes",
                )
        self._alarm(
            "Api5xxAlarm",
            cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name="5XXError",
                dimensions_map={"ApiName": APP_NAME, "Stage": "api"},
                statistic="Sum",
                period=five_minutes,
            ),
            "API Gateway answered 5xx in the last 5 minutes",
        )
        self._alarm(
            "TableThrottleAlarm",
            cloudwatch.MathExpression(
                expression="reads + writes",
                using_metrics={
                    "reads": self.table.metric("ReadThrottleEvents", statistic="Sum", period=five_minutes),
                    "writes": self.table.metric("WriteThrottleEvents", statistic="Sum", period=five_minutes),
                },
                period=five_minutes,
                label="Read + write throttle events",
            ),
            "DynamoDB throttled reads or writes in the last 5 minutes",
        )
        self._alarm(
            "TableThrottledRequestsAlarm",
            self.table.metric_throttled_requests_for_operations(
                operations=[
                    dynamodb.Operation.GET_ITEM,
                    dynamodb.Operation.PUT_ITEM,
                    dynamodb.Operation.UPDATE_ITEM,
                    dynamodb.Operation.DELETE_ITEM,
                    dynamodb.Operation.QUERY,
                    dynamodb.Operation.BATCH_WRITE_ITEM,
                    dynamodb.Operation.BATCH_GET_ITEM,
                    dynamodb.Operation.TRANSACT_WRITE_ITEMS,
                ],
                period=five_minutes,
            ),
            "DynamoDB throttled requests in the last 5 minutes",
        )
        for metric_name, threshold in (("Reputation.BounceRate", 0.05), ("Reputation.ComplaintRate", 0.001)):
            self._alarm(
                metric_name.replace("Reputation.", "Ses") + "Alarm",
                cloudwatch.Metric(
                    namespace="AWS/SES",
                    metric_name=metric_name,
                    statistic="Maximum",
                    period=cdk.Duration.hours(1),
                ),
                f"SES {metric_name} at or above {threshold} (SES reviews accounts from 5% bounces, 0.1% complaints)",
                threshold=threshold,
            )

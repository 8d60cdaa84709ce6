"""What a fresh Lambda container pays before its first answer: measured and printed, never asserted.

Run ``make bench`` (it runs first) or ``.venv/bin/python -m bench.coldstart``. Everything is measured in fresh
subprocesses of this Python in the repository, byte code compiled by a first run (as a deployed package has
it). The machine's load changes from second to second, so what is compared runs interleaved: each round
starts one child of each kind, in an order that rotates from round to round, and each figure is the median of
the per-round differences (the best of each is shown beside it).

* **Interpreter start**: a child that only reports the time (``python -c pass`` and a clock reading), taken
  off every other figure.
* **import app vs the floor**: ``import app`` against ``import chalice.app, lxml.etree, pydantic`` (the
  libraries the app cannot start without). A child reports the moment its imports are done on the
  system-wide monotonic clock, so the interpreter's teardown at exit is not counted (a Lambda container does
  not exit after its first answer). Goal: ``import app`` at most 1.5 x the floor.
* **import + first answer that reads DynamoDB**: a child imports app and hands the app's Lambda handler one
  API Gateway event: ``GET /api/connectors`` with the context API Gateway passes once the authorizer (a
  Lambda invocation of its own) has accepted an admin token. Answering it imports boto3, creates the
  DynamoDB resource and reads the connectors and their conversations from dynalite, started by this benchmark
  from ``node_modules`` (in memory) and stopped after. Goal: at most 450 ms after interpreter start.
* **Whole processes**: each child's wall time as the parent sees it, interpreter start and exit included
  (what ``time python -c ...`` shows), median and best of the same rounds.
* **Slowest imports**: ``-X importtime`` of both children (the best of 3 runs), the 10 slowest modules by their
  own time and by cumulative time (a module's imports included; importtime itself adds overhead).

Output: a plain-text table on stdout, and the same data as JSON in ``bench/results/coldstart-<UTC
time>.json`` and ``bench/results/coldstart-latest.json``.
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

from bench.measure import REPO, prepare_process, publish, table

IMPORT_ROUNDS = 30
FIRST_ANSWER_ROUNDS = 15
IMPORTTIME_RUNS = 3
SLOWEST = 10
GOAL_IMPORT_RATIO = 1.5
GOAL_FIRST_ANSWER_MS = 450.0
TABLE_NAME = "qbwc-bridge-coldstart"
CONNECTOR_NAME = "Cold start"

# Every child ends by writing monotonic clock readings (system-wide on Linux, so comparable with the parent's).
REPORT = "import sys, time\nsys.stdout.write(repr(time.monotonic()))"
FLOOR_IMPORTS = "import chalice.app, lxml.etree, pydantic"
IMPORT_CHILDREN = {
    "interpreter": REPORT,
    "floor": f"{FLOOR_IMPORTS}\n{REPORT}",
    "app": f"import app\n{REPORT}",
}
# An authenticated GET /api/connectors as API Gateway hands it to the route's Lambda function.
EVENT: dict[str, Any] = {
    "resource": "/api/connectors",
    "path": "/api/connectors",
    "httpMethod": "GET",
    "headers": {"Host": "localhost", "Accept": "application/json"},
    "multiValueHeaders": {"Host": ["localhost"], "Accept": ["application/json"]},
    "queryStringParameters": None,
    "multiValueQueryStringParameters": None,
    "pathParameters": None,
    "stageVariables": None,
    "body": None,
    "isBase64Encoded": False,
    "requestContext": {
        "resourcePath": "/api/connectors",
        "httpMethod": "GET",
        "path": "/api/connectors",
        "stage": "api",
        "authorizer": {"scope": "admin", "principalId": "token:coldstart"},
    },
}
FIRST_ANSWER_CHILD = f"""\
import app
import sys, time
imported = time.monotonic()
answer = app.app({EVENT!r}, None)
answered = time.monotonic()
if answer["statusCode"] != 200 or {CONNECTOR_NAME!r} not in answer["body"]:
    raise SystemExit(f"unexpected answer: {{answer}}")
sys.stdout.write(f"{{imported!r}} {{answered!r}}")
"""


@dataclass(frozen=True)
class ChildRun:
    marks_ms: list[float]  # the child's clock readings, ms after the parent started it
    exited_ms: float  # the whole process, interpreter teardown included


def _run_child(code: str, env: Mapping[str, str]) -> ChildRun:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=dict(env), capture_output=True, text=True, check=False
    )
    exited = time.monotonic()
    if done.returncode != 0:
        raise RuntimeError(f"child failed ({done.returncode}):\n{code}\n{done.stderr}")
    marks = [(float(mark) - started) * 1000 for mark in done.stdout.split()]
    return ChildRun(marks, (exited - started) * 1000)


def _interleaved(
    children: Mapping[str, str], env: Mapping[str, str], rounds: int
) -> dict[str, list[ChildRun]]:
    """Each child once per round, the order rotating; after one untimed run of each (byte code compiled)."""
    for code in children.values():
        _run_child(code, env)
    names = list(children)
    runs: dict[str, list[ChildRun]] = {name: [] for name in names}
    for number in range(rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            runs[name].append(_run_child(children[name], env))
    return runs


def _figure(values: Sequence[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 1), "best": round(min(values), 1)}


def _minus_start(
    runs: Sequence[ChildRun], start: Sequence[ChildRun], pick: Callable[[ChildRun], float]
) -> list[float]:
    """Per round: ``pick`` of the child minus the interpreter start of the same round."""
    return [pick(run) - base.marks_ms[0] for run, base in zip(runs, start, strict=True)]


# -- import app vs the floor -----------------------------------------------------------------------------


def _import_app(env: Mapping[str, str]) -> dict[str, Any]:
    runs = _interleaved(IMPORT_CHILDREN, env, IMPORT_ROUNDS)
    start = runs["interpreter"]
    floor = _minus_start(runs["floor"], start, lambda run: run.marks_ms[0])
    app = _minus_start(runs["app"], start, lambda run: run.marks_ms[0])
    return {
        "rounds": IMPORT_ROUNDS,
        "floor_imports": FLOOR_IMPORTS,
        "interpreter_start_ms": _figure([run.marks_ms[0] for run in start]),
        "floor_ms": _figure(floor),
        "app_ms": _figure(app),
        "ratio_median": round(statistics.median(app) / statistics.median(floor), 2),
        "ratio_best": round(min(app) / min(floor), 2),
        "goal_ratio": GOAL_IMPORT_RATIO,
        "whole_process_ms": {name: _figure([run.exited_ms for run in kind]) for name, kind in runs.items()},
    }


# -- import + first answer -------------------------------------------------------------------------------


def _first_answer(env: Mapping[str, str]) -> dict[str, Any]:
    children = {"interpreter": IMPORT_CHILDREN["interpreter"], "first_answer": FIRST_ANSWER_CHILD}
    runs = _interleaved(children, env, FIRST_ANSWER_ROUNDS)
    start, first = runs["interpreter"], runs["first_answer"]
    answered = _minus_start(first, start, lambda run: run.marks_ms[1])
    return {
        "rounds": FIRST_ANSWER_ROUNDS,
        "request": "GET /api/connectors (admin scope from the authorizer's context), one connector",
        "first_answer_ms": _figure(answered),
        "of_which_import_app_ms": _figure(_minus_start(first, start, lambda run: run.marks_ms[0])),
        "of_which_request_ms": _figure([run.marks_ms[1] - run.marks_ms[0] for run in first]),
        "goal_ms": GOAL_FIRST_ANSWER_MS,
        "whole_process_ms": {name: _figure([run.exited_ms for run in kind]) for name, kind in runs.items()},
    }


@contextlib.contextmanager
def _dynalite() -> Iterator[dict[str, str]]:
    """dynalite (in memory) with the app's table and one connector; yields the children's environment."""
    from tools.local_stack import Dynalite, local_base_env

    with Dynalite() as dynalite:
        dynalite.ensure_table(TABLE_NAME)
        env = local_base_env({"DYNAMODB_ENDPOINT": dynalite.endpoint, "TABLE_NAME": TABLE_NAME})
        _add_connector(env)
        yield env


def _add_connector(env: Mapping[str, str]) -> None:
    from chalicelib.admin.connectors import create_connector
    from chalicelib.domain.connector import ConnectorCreate
    from chalicelib.settings import Settings
    from chalicelib.store import Store
    from chalicelib.store.dynamodb import open_table

    store = Store(open_table(Settings.from_env(env)))
    create_connector(store, ConnectorCreate(name=CONNECTOR_NAME), now="2026-01-01T00:00:00.000000Z")


# -- slowest imports -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportLine:
    module: str
    depth: int
    self_us: int
    cumulative_us: int


def _importtime(code: str, env: Mapping[str, str]) -> list[ImportLine]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=REPO,
        env=dict(env),
        capture_output=True,
        text=True,
        check=True,
    )
    lines: list[ImportLine] = []
    for raw in done.stderr.splitlines():
        if not raw.startswith("import time:") or "[us]" in raw:
            continue
        self_us, cumulative_us, name = raw.removeprefix("import time:").split("|", 2)
        module = name.lstrip(" ")
        depth = (len(name) - len(module) - 1) // 2
        lines.append(ImportLine(module.strip(), depth, int(self_us), int(cumulative_us)))
    return lines


def _slowest_imports(code: str, env: Mapping[str, str]) -> dict[str, Any]:
    """The run (of ``IMPORTTIME_RUNS``) whose top-level imports took least, and its slowest modules."""
    best: list[ImportLine] = []
    best_total = math.inf
    for _ in range(IMPORTTIME_RUNS):
        lines = _importtime(code, env)
        total = sum(line.cumulative_us for line in lines if line.depth == 0)
        if total < best_total:
            best, best_total = lines, total
    # ``import chalice.app`` shows twice, the package's own import of it nested inside: keep the larger.
    largest: dict[str, ImportLine] = {}
    for line in best:
        if line.module not in largest or line.cumulative_us > largest[line.module].cumulative_us:
            largest[line.module] = line
    by_self = sorted(largest.values(), key=lambda line: line.self_us, reverse=True)[:SLOWEST]
    by_cumulative = sorted(largest.values(), key=lambda line: line.cumulative_us, reverse=True)[:SLOWEST]
    return {
        "modules": len(largest),
        "top_level_ms": round(best_total / 1000, 1),
        "by_self": [{"module": line.module, "self_ms": round(line.self_us / 1000, 1)} for line in by_self],
        "by_cumulative": [
            {"module": line.module, "cumulative_ms": round(line.cumulative_us / 1000, 1)}
            for line in by_cumulative
        ],
    }


# -- report ----------------------------------------------------------------------------------------------


def _report(result: dict[str, Any]) -> str:
    i, f = result["import_app"], result["first_answer"]
    start = i["interpreter_start_ms"]
    out = [
        f"qbwc-bridge cold start, {result['generated_at']} ({result['machine']})",
        f"Python {result['python']}, chalice {result['chalice']}, pydantic {result['pydantic']}, lxml "
        f"{result['lxml']}, boto3 {result['boto3']}; fresh subprocesses, interleaved; nothing here is asserted.",
        f"Interpreter start (python -c pass, taken off below): median {start['median']} ms, best {start['best']} ms.",
        "",
        f"== import app vs the floor ({i['floor_imports']}), {i['rounds']} rounds",
        *table(
            ["", "median ms", "best ms"],
            [
                ["floor", i["floor_ms"]["median"], i["floor_ms"]["best"]],
                ["import app", i["app_ms"]["median"], i["app_ms"]["best"]],
                ["ratio app / floor", i["ratio_median"], i["ratio_best"]],
            ],
        ),
        f"  goal: ratio <= {i['goal_ratio']}",
        "  whole processes, start and exit included (median ms): "
        + ", ".join(f"{name} {figure['median']}" for name, figure in i["whole_process_ms"].items()),
        "",
        f"== import + first answer that reads DynamoDB (dynalite), {f['rounds']} rounds",
        f"  {f['request']}",
        *table(
            ["", "median ms", "best ms"],
            [
                ["import + first answer", f["first_answer_ms"]["median"], f["first_answer_ms"]["best"]],
                [
                    "  of which import app",
                    f["of_which_import_app_ms"]["median"],
                    f["of_which_import_app_ms"]["best"],
                ],
                [
                    "  of which the request (boto3 included)",
                    f["of_which_request_ms"]["median"],
                    f["of_which_request_ms"]["best"],
                ],
            ],
        ),
        f"  goal: <= {f['goal_ms']:.0f} ms",
        "  whole processes, start and exit included (median ms): "
        + ", ".join(f"{name} {figure['median']}" for name, figure in f["whole_process_ms"].items()),
    ]
    for title, slowest in result["slowest_imports"].items():
        out += [
            "",
            f"== slowest imports, -X importtime of {title} ({slowest['modules']} modules, top level "
            f"{slowest['top_level_ms']} ms; best of {IMPORTTIME_RUNS})",
            *table(
                ["by own time", "ms", "by cumulative time", "ms"],
                [
                    [own["module"], own["self_ms"], cumulative["module"], cumulative["cumulative_ms"]]
                    for own, cumulative in zip(slowest["by_self"], slowest["by_cumulative"], strict=True)
                ],
            ),
        ]
    return "\n".join(out)


def main() -> None:
    prepare_process()
    started = time.perf_counter()
    now = datetime.now(UTC)
    result: dict[str, Any] = {
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": platform.python_version(),
        **{package: version(package) for package in ("chalice", "pydantic", "lxml", "boto3")},
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
    }
    with _dynalite() as env:
        result["import_app"] = _import_app(env)
        result["first_answer"] = _first_answer(env)
        result["slowest_imports"] = {
            "import app": _slowest_imports("import app", env),
            "the first answer": _slowest_imports(FIRST_ANSWER_CHILD, env),
        }
    publish("coldstart", result, now=now, started=started, report=_report(result))


if __name__ == "__main__":
    main()

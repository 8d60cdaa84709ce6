"""A readable, one-line-per-callback rendering of a run, for the CLI and for test failure messages."""

from __future__ import annotations

from simulators.qbwc.web_connector import RunLog

_SHORT_CHARS = 60


def format_run_log(log: RunLog) -> str:
    """Each callback with shortened arguments and result (passwords are already masked), then the outcome."""
    lines = []
    for number, callback in enumerate(log.callbacks, start=1):
        arguments = ", ".join(f"{name}={_short(value)}" for name, value in callback.arguments.items())
        call = f"{number:>3}. {callback.method}({arguments})"
        if callback.fault is None:
            lines.append(f"{call} -> {_short(callback.result)}")
        else:
            status = f"HTTP {callback.http_status}" if callback.http_status else "no HTTP answer"
            lines.append(f"{call} !! {status}: {callback.fault}")
    lines.append(f"outcome: {log.outcome}")
    lines.append(f"  qbXML requests handed to QuickBooks: {log.requests_sent}")
    if log.percents:
        lines.append(f"  percent done: {', '.join(str(percent) for percent in log.percents)}")
    if log.auth_wait_seconds is not None:
        lines.append(f"  web service asked to wait {log.auth_wait_seconds} s")
    if log.last_error is not None:
        lines.append(f"  last error: {log.last_error}")
    if log.close_message is not None:
        lines.append(f"  closeConnection said: {log.close_message}")
    return "\n".join(lines)


def _short(value: object) -> str:
    """``repr`` of a value with long strings cut down to one line, noting their full length."""
    if isinstance(value, list):
        return "[" + ", ".join(_short(item) for item in value) + "]"
    if not isinstance(value, str):
        return repr(value)
    flat = " ".join(value.split())
    if len(flat) <= _SHORT_CHARS:
        return repr(flat)
    return f"{flat[:_SHORT_CHARS]!r}... ({len(value)} chars)"

"""A readable, one-line-per-callback rendering of a run, for the CLI and for test failure messages."""

from __future__ import annotations

from simulators.qbwc.web_connector import RunLog

_SHORT_CHARS = 60
_MASKED = "***"


def format_run_log(log: RunLog) -> str:
    """Each callback with shortened arguments and result, then the outcome.

    No secret appears: passwords are masked in the log already, and the session ticket (the session's only
    credential until it ends) is masked here wherever it shows up, since this text gets printed and pasted.
    """
    tickets = _tickets(log)
    lines = []
    for number, callback in enumerate(log.callbacks, start=1):
        arguments = ", ".join(
            f"{name}={_short(_MASKED if name == 'ticket' else _redact(value, tickets))}"
            for name, value in callback.arguments.items()
        )
        call = f"{number:>3}. {callback.method}({arguments})"
        if callback.fault is None:
            result = callback.result
            if callback.method == "authenticate" and isinstance(result, list) and result:
                result = [_MASKED, *result[1:]]  # [ticket, status, wait seconds, ...]
            lines.append(f"{call} -> {_short(_redact(result, tickets))}")
        else:
            status = f"HTTP {callback.http_status}" if callback.http_status else "no HTTP answer"
            lines.append(f"{call} !! {status}: {_redact(callback.fault, tickets)}")
    lines.append(f"outcome: {log.outcome}")
    lines.append(f"  qbXML requests handed to QuickBooks: {log.requests_sent}")
    if log.percents:
        lines.append(f"  percent done: {', '.join(str(percent) for percent in log.percents)}")
    if log.auth_wait_seconds is not None:
        lines.append(f"  web service asked to wait {log.auth_wait_seconds} s")
    if log.last_error is not None:
        lines.append(f"  last error: {_redact(log.last_error, tickets)}")
    if log.close_message is not None:
        lines.append(f"  closeConnection said: {_redact(log.close_message, tickets)}")
    return "\n".join(lines)


def _tickets(log: RunLog) -> list[str]:
    """Every ticket the run saw (authenticate's and those sent back), longest first for replacing."""
    found = {log.ticket or ""}
    for callback in log.callbacks:
        sent = callback.arguments.get("ticket")
        if isinstance(sent, str):
            found.add(sent)
        if callback.method == "authenticate" and isinstance(callback.result, list) and callback.result:
            found.add(str(callback.result[0]))
    # An empty ticket hides nothing, and replacing "" would mangle every string.
    return sorted((ticket for ticket in found if ticket), key=len, reverse=True)


def _redact(value: object, tickets: list[str]) -> object:
    """``value`` with each ticket in its text masked: a fault or an error message may quote one."""
    if isinstance(value, list):
        return [_redact(item, tickets) for item in value]
    if not isinstance(value, str):
        return value
    for ticket in tickets:
        value = value.replace(ticket, _MASKED)
    return value


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

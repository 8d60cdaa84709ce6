"""``python -m bench.profile_callbacks`` (``make profile``): where a 1,000-invoice conversation spends its CPU.

Runs the invoice benchmark (``bench/invoices.py``) with every sendRequestXML and receiveResponseXML under
cProfile, leaving moto's DynamoDB emulation out (the profiler pauses inside moto's request stub, so what is
left is the app, boto3's client side and lxml). Writes, under ``bench/results/``:

* ``invoices-profile.pstats``: every profiled callback merged (``python -m pstats`` or snakeviz read it);
* ``invoices-profile.txt``: each profiled callback's CPU, then the functions by cumulative and by own time.

cProfile slows Python code down (a factor of about two here), so its times are for comparing functions with
each other; ``make bench`` gives the callbacks' real CPU.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import pstats
import time
from collections.abc import Iterator
from typing import Any

from bench import invoices
from bench.measure import RESULTS, prepare_process

PROFILED = ("sendRequestXML", "receiveResponseXML")


class OneRun(invoices.InvoiceBenchmark):
    runs = 1  # one conversation's callbacks are what is profiled


class CallbackProfiler:
    """One profile per profiled SOAP callback, paused while moto serves a DynamoDB request."""

    def __init__(self) -> None:
        self.callbacks: list[
            tuple[str, float, cProfile.Profile]
        ] = []  # method, CPU ms without moto's, profile
        self._current: cProfile.Profile | None = None
        self._moto_s = 0.0  # CPU spent in moto's stub during the current callback

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        from moto.core.botocore_stubber import BotocoreStubber

        from chalicelib.qbwc import endpoint  # the SOAP route imports handle_soap_post from here on each call

        handle, stub = endpoint.handle_soap_post, BotocoreStubber.__call__

        def profiled_handle(service: Any, body: bytes, *, soap_action: str | None) -> Any:
            method = (soap_action or "").strip('"').rsplit("/", 1)[-1]
            if method not in PROFILED:
                return handle(service, body, soap_action=soap_action)
            profile = self._current = cProfile.Profile()
            self._moto_s = 0.0
            start = time.process_time()
            profile.enable()
            try:
                return handle(service, body, soap_action=soap_action)
            finally:
                profile.disable()
                self._current = None
                own_s = time.process_time() - start - self._moto_s
                self.callbacks.append((method, own_s * 1000, profile))

        def paused_stub(stubber: Any, *args: Any, **kwargs: Any) -> Any:
            profile = self._current
            if profile is None:
                return stub(stubber, *args, **kwargs)
            profile.disable()
            start = time.process_time()
            try:
                return stub(stubber, *args, **kwargs)
            finally:
                self._moto_s += time.process_time() - start
                profile.enable()

        setattr(endpoint, "handle_soap_post", profiled_handle)  # noqa: B010
        setattr(BotocoreStubber, "__call__", paused_stub)  # noqa: B010
        try:
            yield
        finally:
            setattr(endpoint, "handle_soap_post", handle)  # noqa: B010
            setattr(BotocoreStubber, "__call__", stub)  # noqa: B010

    def report(self) -> str:
        """Each callback's profiled CPU, then the merged profile's top functions."""
        lines = [
            "Profiled callbacks of the 1,000-invoice benchmark (CPU under cProfile, moto excluded; cProfile",
            "roughly doubles Python's time, so compare functions, not these totals with make bench):",
            "",
        ]
        lines += [
            f"  {n:>3}  {method:<20} {ms:8.1f} ms" for n, (method, ms, _) in enumerate(self.callbacks, 1)
        ]
        for order, limit in (("cumulative", 60), ("tottime", 40)):
            out = io.StringIO()
            stats = self.merged()
            stats.stream = out  # type: ignore[attr-defined]
            stats.strip_dirs().sort_stats(order).print_stats(limit)
            lines += ["", f"== by {order} time", out.getvalue().strip()]
        return "\n".join(lines) + "\n"

    def merged(self) -> pstats.Stats:
        first, *rest = (profile for _, _, profile in self.callbacks)
        stats = pstats.Stats(first)
        for profile in rest:
            stats.add(profile)
        return stats


def main() -> None:
    prepare_process()
    profiler = CallbackProfiler()
    with profiler.installed(), contextlib.redirect_stdout(io.StringIO()):
        OneRun().main()
    RESULTS.mkdir(parents=True, exist_ok=True)
    profiler.merged().dump_stats(RESULTS / "invoices-profile.pstats")
    text = profiler.report()
    (RESULTS / "invoices-profile.txt").write_text(text, encoding="utf-8")
    print(text)
    print("written: bench/results/invoices-profile.pstats and bench/results/invoices-profile.txt")


if __name__ == "__main__":
    main()

"""`make run` ends cleanly on SIGINT, SIGTERM and SIGHUP: also when more signals arrive while it shuts down
(``timeout`` and CI runners signal the whole process group, and make forwards SIGTERM once more) and when
the signal comes during start-up. Clean means: exit code 0, a short message, no traceback on stderr, and no
server process left.

The supervisor (``tools.local_stack.serve``) runs in a subprocess against a throwaway app whose SIGTERM
handler does not exit until the test says so (it creates a file), so the test's follow-up signals
deterministically land while the supervisor is inside ``stack.stop()``. The servers are found through /proc: every process holding a file
under the test's directories open (their logs), so an orphan cannot hide (Linux only).
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from tools.local_stack import DYNALITE_CLI, REPO_ROOT, pick_free_port

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds processes through /proc")

_UP = "qbwc-bridge is running on"
_START_TIMEOUT = 60.0
# The most the app waits on SIGTERM for the test's go-ahead (a failed test never gives it).
_STOP_WAIT_LIMIT_SECONDS = 30.0

# `chalice local` on an app that can be slow to import (start-up tests) and, on SIGTERM, exits only once the
# file ``release`` exists (at once when it is empty).
_SLOW_APP = textwrap.dedent(
    """
    import os
    import signal
    import time

    from chalice import Chalice

    app = Chalice(app_name="qbwc-bridge")
    time.sleep({start_seconds})


    def _stop_when_released(signum, frame):
        deadline = time.monotonic() + {wait_limit}
        while {release!r} and not os.path.exists({release!r}) and time.monotonic() < deadline:
            time.sleep(0.01)
        os._exit(0)


    signal.signal(signal.SIGTERM, _stop_when_released)


    @app.route("/api/health")
    def health():
        return {{"status": "ok"}}
    """
)

# What `make run` does after its port checks, with the throwaway app and the test's directories.
_SUPERVISOR = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from tools.local_stack import LocalStack, serve

    project, log_dir, outbox_dir = (Path(arg) for arg in sys.argv[1:4])
    stack = LocalStack(project_dir=project, log_dir=log_dir, outbox_dir=outbox_dir)
    sys.exit(serve(stack, echo_log=False))
    """
)


@pytest.fixture(autouse=True)
def _needs_node_tools() -> None:
    if DYNALITE_CLI.is_file() and shutil.which("node"):
        return
    message = "dynalite is not installed: run `npm ci` (make test does it)"
    if os.environ.get("CI"):
        pytest.fail(message)  # CI must never skip these silently
    pytest.skip(message)


def _holders(directory: Path) -> dict[int, set[str]]:
    """Each process with a file under ``directory`` open, and those files."""
    prefix = str(directory) + os.sep
    found: dict[int, set[str]] = {}
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            targets = {os.readlink(fd) for fd in fd_dir.iterdir()}
        except OSError:  # the process ended, or is not ours
            continue
        files = {target for target in targets if target.startswith(prefix)}
        if files:
            found[int(fd_dir.parent.name)] = files
    return found


def _group_gone(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


# The app's settings (chalicelib/settings.py) read these; other tests in the same worker may have set them
# (a synthesized CDK stack leaves TABLE_NAME as a token), so `make run` starts from a clean slate here.
_APP_SETTINGS = (
    "STAGE", "TABLE_NAME", "DYNAMODB_ENDPOINT", "PUBLIC_URL", "MAX_BODY_BYTES", "LIST_PAGE_SIZE",
    "SESSION_IDLE_SECONDS", "MAX_MESSAGE_REQUESTS", "MAX_MESSAGE_BYTES", "MAX_TRANSFERS_PER_CONVERSATION",
    "OUTBOX_DIR", "SENDER_EMAIL", "PORT", "DYNAMODB_PORT",
)  # fmt: skip


def _clean_env() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name not in _APP_SETTINGS}


class _Supervisor:
    """A `make run`-like process: its stdout read line by line as it comes, its stderr kept in a file."""

    def __init__(self, argv: Sequence[str], tmp_path: Path) -> None:
        self.stderr_path = tmp_path / "supervisor-stderr.txt"
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.stdout: list[str] = []
        with self.stderr_path.open("w") as stderr:
            self.process = subprocess.Popen(
                argv,
                cwd=REPO_ROOT,
                env=_clean_env(),
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                start_new_session=True,
            )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, text: str, timeout: float = _START_TIMEOUT) -> None:
        """Wait for a stdout line containing ``text``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                self.process.kill()
                pytest.fail(f"no {text!r} on stdout; got:\n{''.join(self.stdout)}\nstderr:\n{self.stderr()}")
            self.stdout.append(line)
            if text in line:
                return

    def signal(self, signum: signal.Signals) -> None:
        self.process.send_signal(signum)

    def finish(self, timeout: float = 30.0) -> int:
        """The exit code, once the process has ended (and its stdout is read to the end)."""
        code = self.process.wait(timeout=timeout)
        while (line := self._lines.get(timeout=5)) is not None:
            self.stdout.append(line)
        return code

    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def supervisor_for(tmp_path: Path) -> Iterator[Callable[..., _Supervisor]]:
    started: list[_Supervisor] = []

    def start(*, start_seconds: float = 0.0, release: Path | None = None) -> _Supervisor:
        project = tmp_path / "project"
        (project / ".chalice").mkdir(parents=True)
        shutil.copy(REPO_ROOT / ".chalice" / "config.json", project / ".chalice" / "config.json")
        app = _SLOW_APP.format(
            start_seconds=start_seconds, release=str(release or ""), wait_limit=_STOP_WAIT_LIMIT_SECONDS
        )
        (project / "app.py").write_text(app)
        argv = [
            sys.executable,
            "-c",
            _SUPERVISOR,
            str(project),
            str(tmp_path / "log"),
            str(tmp_path / "outbox"),
        ]
        supervisor = _Supervisor(argv, tmp_path)
        started.append(supervisor)
        return supervisor

    yield start
    for supervisor in started:
        supervisor.kill()  # only after a failed test; servers die with it (PR_SET_PDEATHSIG)


def _servers(log_dir: Path, supervisor: _Supervisor) -> dict[str, int]:
    """The pids of the stack's servers, by the log file each writes."""
    servers = {}
    for pid, files in _holders(log_dir).items():
        # A child between fork and exec still holds every file of the supervisor: not a server yet.
        if pid != supervisor.process.pid and len(files) == 1:
            servers[Path(files.pop()).name] = pid
    return servers


def _assert_clean_exit(supervisor: _Supervisor, tmp_path: Path, servers: dict[str, int], first: str) -> None:
    code = supervisor.finish()
    stderr = supervisor.stderr()
    assert "Traceback" not in stderr, stderr
    assert code == 0, f"exit code {code}\nstderr:\n{stderr}"
    output = "".join(supervisor.stdout)
    assert f"{first}: stopping ..." in output
    assert output.rstrip().endswith("Stopped.")
    assert _holders(tmp_path) == {}
    assert all(_group_gone(pid) for pid in servers.values())


@pytest.mark.parametrize(
    "signals",
    [
        pytest.param(["SIGTERM"], id="sigterm"),
        pytest.param(["SIGHUP"], id="sighup"),
        # make forwarding SIGTERM after a process-group SIGTERM, then an impatient Ctrl-C.
        pytest.param(["SIGTERM", "SIGTERM", "SIGINT"], id="sigterm-then-more-during-shutdown"),
        pytest.param(["SIGINT", "SIGINT", "SIGTERM", "SIGHUP"], id="sigint-then-more-during-shutdown"),
    ],
)
def test_stop_signals_end_cleanly(
    supervisor_for: Callable[..., _Supervisor], tmp_path: Path, signals: list[str]
) -> None:
    # With signals to send during shutdown, chalice local exits only once they are sent.
    release = tmp_path / "release" if len(signals) > 1 else None
    supervisor = supervisor_for(release=release)
    supervisor.wait_for(_UP)
    servers = _servers(tmp_path / "log", supervisor)
    assert sorted(servers) == ["chalice.log", "dynalite.log"]

    first, *during_shutdown = (signal.Signals[name] for name in signals)
    supervisor.signal(first)
    supervisor.wait_for(f"{first.name}: stopping ...", timeout=10)
    for signum in during_shutdown:
        # chalice local has not exited yet (it waits for the release file), and the stack stops it first:
        # this is mid-shutdown.
        assert not _group_gone(servers["chalice.log"])
        supervisor.signal(signum)
    if release is not None:
        release.touch()

    _assert_clean_exit(supervisor, tmp_path, servers, first.name)


def test_signals_during_start_up_end_cleanly(
    supervisor_for: Callable[..., _Supervisor], tmp_path: Path
) -> None:
    supervisor = supervisor_for(start_seconds=30.0)  # app.py imports for 30 s: start() is still waiting
    deadline = time.monotonic() + _START_TIMEOUT
    servers: dict[str, int] = {}
    while "chalice.log" not in servers:
        assert time.monotonic() < deadline, f"chalice local never started\n{supervisor.stderr()}"
        time.sleep(0.05)
        servers = _servers(tmp_path / "log", supervisor)

    supervisor.signal(signal.SIGTERM)
    supervisor.wait_for("SIGTERM: stopping ...", timeout=10)
    supervisor.signal(signal.SIGINT)

    _assert_clean_exit(supervisor, tmp_path, servers, "SIGTERM")
    assert _UP not in "".join(supervisor.stdout)


def test_make_run_entry_point_stops_on_sigterm(tmp_path: Path) -> None:
    # The real `python -m tools.local_stack run` (the real app, data under --var-dir), as `make run` starts it.
    var_dir = tmp_path / "var"
    argv = [
        sys.executable,
        "-m",
        "tools.local_stack",
        "--port",
        str(pick_free_port()),
        "--dynamodb-port",
        str(pick_free_port()),
        "--var-dir",
        str(var_dir),
        "run",
        "--quiet",
    ]
    supervisor = _Supervisor(argv, tmp_path)
    try:
        supervisor.wait_for(_UP)
        servers = _servers(var_dir / "log", supervisor)
        assert sorted(servers) == ["chalice.log", "dynalite.log"]
        supervisor.signal(signal.SIGTERM)
        supervisor.wait_for("SIGTERM: stopping ...", timeout=10)
        supervisor.signal(signal.SIGTERM)  # what make forwards after a process-group SIGTERM
        _assert_clean_exit(supervisor, var_dir, servers, "SIGTERM")
    finally:
        supervisor.kill()

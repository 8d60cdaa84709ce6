"""The local stack: dynalite (a DynamoDB-compatible server from npm) plus ``chalice local``, no AWS account.

Used two ways:

- ``python -m tools.local_stack`` (what ``make run`` runs): fixed ports (8000 for the app, 8001 for dynalite),
  data kept under ``./var/dynalite/``, e-mail written to ``./var/outbox/``, logs in ``./var/log/``; runs until
  Ctrl-C and then shuts both servers down (see ``serve`` for signals and exit codes).
- ``LocalStack(...)`` from the end-to-end tests: free ports, in-memory dynalite, temporary directories, so
  several stacks can run side by side (pytest-xdist).

Both servers run in their own process groups with their output sent to log files (a pipe nobody reads fills
up and stalls the server). ``stop()`` ends each whole group, and on Linux the children also get SIGTERM if the
Python process that started them dies without cleaning up (``PR_SET_PDEATHSIG``), so no orphan keeps a port
or the LevelDB lock. (Linux ties that signal to the starting *thread*: start a stack from a thread that lives
as long as the stack, e.g. the main thread, as pytest and pytest-xdist workers do.)

About ``.chalice/config.json``: ``chalice local`` copies the merged ``environment_variables`` (top level, then
the stage) into ``os.environ`` just before importing ``app.py``, so whatever the config sets wins over the
environment this module passes in. That is why the ``local`` stage sets only ``STAGE`` there and never
``TABLE_NAME``, ``DYNAMODB_ENDPOINT``, ``PUBLIC_URL`` or ``OUTBOX_DIR``: those differ per stack (ports, temp
dirs) and come from here.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import ctypes
import ctypes.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Any, Self, TextIO

import boto3
from botocore.config import Config

from chalicelib.store.table_spec import ensure_table
from tools.chalice_local import TEST_WORK_FACTOR_VAR

REPO_ROOT = Path(__file__).resolve().parent.parent
DYNALITE_CLI = REPO_ROOT / "node_modules" / "dynalite" / "cli.js"
HOST = "127.0.0.1"
DEFAULT_TABLE_NAME = "qbwc-bridge"

# Fake credentials and region: dynalite accepts any signature, and they keep boto3 from looking for real
# credentials (or the EC2 metadata service) on a developer's machine. Pointing the AWS config files at
# /dev/null stops a profile's region or endpoint settings from leaking into a local run.
LOCAL_AWS_ENV: dict[str, str] = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
# Inherited variables that would point a local run at a real account or another endpoint.
_STRIPPED_AWS_VARS = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
# Set only through extra_env by the test suite's stacks (tools/chalice_local.py), never inherited from a shell.
_TEST_ONLY_VARS = (TEST_WORK_FACTOR_VAR,)
# The app's own settings (chalicelib/settings.py). The stack sets the ones it owns; the others are dropped
# from the inherited environment so a test run does not depend on the shell it started from (extra_env adds
# them back; `make run` forwards what the developer's shell sets).
APP_SETTING_VARS = (
    "STAGE",
    "TABLE_NAME",
    "DYNAMODB_ENDPOINT",
    "PUBLIC_URL",
    "MAX_BODY_BYTES",
    "LIST_PAGE_SIZE",
    "SESSION_IDLE_SECONDS",
    "OUTBOX_DIR",
    "SENDER_EMAIL",
)

_PORT_IN_USE_MARKERS = ("EADDRINUSE", "Address already in use")
_LOG_TAIL_LINES = 40
# How often to retry with a new port when a port we picked ourselves was taken before the server bound it.
_PORT_ATTEMPTS = 3
# The signals that end `make run`: Ctrl-C, SIGTERM (make forwards it; CI timeouts and `timeout` send it, often
# to the whole process group, so it can arrive twice) and SIGHUP (terminal closed).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class LocalStackError(RuntimeError):
    """A local server could not be started (the message carries the tail of its log)."""


def _make_pdeathsig() -> Callable[[], None] | None:
    """A ``preexec_fn`` asking Linux to send SIGTERM to the child when its parent dies; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    prctl = libc.prctl
    pr_set_pdeathsig = 1
    sigterm = int(signal.SIGTERM)

    def set_pdeathsig() -> None:
        # Runs in the child between fork and exec: only the pre-resolved C call, nothing that takes locks.
        prctl(pr_set_pdeathsig, sigterm)

    return set_pdeathsig


_PRE_EXEC = _make_pdeathsig()


def pick_free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (another process may still take it before we bind)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    """Whether a server could bind ``port`` on 127.0.0.1 now (SO_REUSEADDR, as node and http.server do)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def local_base_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The current environment made safe for a local process: app settings and AWS profiles removed,
    dummy credentials set, then ``extra`` on top."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in APP_SETTING_VARS
        and key not in _STRIPPED_AWS_VARS
        and key not in _TEST_ONLY_VARS
        and not key.startswith("AWS_ENDPOINT_URL")
    }
    env.update(LOCAL_AWS_ENV)
    if extra:
        env.update(extra)
    return env


def _tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return "(no log written)"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


class _Child:
    """One server process in its own process group, its output written to a log file."""

    def __init__(self, name: str, log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        self.popen: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def spawn(self, argv: list[str], *, env: Mapping[str, str], cwd: Path) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        # A fresh file per start, so a log tail in an error message belongs to this attempt.
        self._log = self.log_path.open("wb")
        # The stop signals wait while Popen runs: a handler raising inside it (Ctrl-C's KeyboardInterrupt,
        # `make run`'s stop) can leave a started server that no Popen object knows, so nothing stops it.
        # Unblocking once self.popen is set runs the handler, and the caller stops this child.
        old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)

        def pre_exec() -> None:
            # Runs in the child between fork and exec: the server must get its signals again.
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
            if _PRE_EXEC is not None:
                _PRE_EXEC()

        try:
            self.popen = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                env=dict(env),
                cwd=cwd,
                # Own process group: Ctrl-C in the terminal reaches only our Python process, which then
                # stops the servers in order, and stop() can signal the whole group.
                start_new_session=True,
                # Not a thread-safety risk: two calls that take no locks (sigmask, a pre-resolved prctl).
                preexec_fn=pre_exec,
            )
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)

    @property
    def pid(self) -> int | None:
        return None if self.popen is None else self.popen.pid

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def port_in_use(self) -> bool:
        text = self.log_text()
        return any(marker in text for marker in _PORT_IN_USE_MARKERS)

    def wait_for_log(self, marker: str, timeout: float) -> None:
        """Wait until ``marker`` shows up in the log; raise if the process exits first or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            if marker in self.log_text():
                return
            if not self.running():
                raise LocalStackError(self.describe_failure("exited during start-up"))
            if time.monotonic() > deadline:
                raise LocalStackError(self.describe_failure(f"did not start within {timeout:.0f} s"))
            time.sleep(0.05)

    def describe_failure(self, what: str) -> str:
        code = None if self.popen is None else self.popen.poll()
        status = f" (exit code {code})" if code is not None else ""
        return f"{self.name} {what}{status}. Last lines of {self.log_path}:\n{_tail(self.log_path)}"

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the process group, SIGKILL it if it lingers; reap the process; close the log."""
        popen, self.popen = self.popen, None
        if popen is not None:
            # Signal the group even if the leader has exited: a helper it started could still be there.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(popen.pid, signal.SIGTERM)
            try:
                popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(popen.pid, signal.SIGKILL)
                popen.wait()
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(popen.pid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()
            self._log = None


class _OwnedDir:
    """A directory given by the caller (kept) or a temporary one made on first use (removed by cleanup())."""

    def __init__(self, given: Path | None, prefix: str) -> None:
        self._given = given
        self._prefix = prefix
        self._temp: Path | None = None

    @property
    def path(self) -> Path:
        if self._given is not None:
            self._given.mkdir(parents=True, exist_ok=True)
            return self._given
        if self._temp is None:
            self._temp = Path(tempfile.mkdtemp(prefix=self._prefix))
        return self._temp

    def cleanup(self) -> None:
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None


def _find_node() -> str:
    node = shutil.which("node")
    if node is None:
        raise LocalStackError("node is not on PATH: the local stack needs Node.js >= 20 for dynalite")
    return node


def _spawn_listening(
    name: str,
    log_path: Path,
    argv: Callable[[int], list[str]],
    *,
    port: int,
    auto_port: bool,
    env: Mapping[str, str],
    cwd: Path,
    marker: str,
    timeout: float,
) -> tuple[_Child, int]:
    """Start a server and wait for its "listening" log line; returns the child and the port it got.

    A port we picked ourselves that someone took in the meantime is replaced by another free one (a few
    tries); a port the caller chose is never changed.
    """
    for attempt in range(_PORT_ATTEMPTS if auto_port else 1):
        child = _Child(name, log_path)
        try:
            child.spawn(argv(port), env=env, cwd=cwd)
            child.wait_for_log(marker, timeout)
        except LocalStackError:
            child.stop()
            if not child.port_in_use():
                raise
            if not auto_port or attempt == _PORT_ATTEMPTS - 1:
                raise LocalStackError(
                    f"port {port} on {HOST} is already in use; {name} could not listen there"
                ) from None
            port = pick_free_port()
            continue
        except BaseException:
            child.stop()
            raise
        return child, port
    raise LocalStackError(f"{name} could not start")


class Dynalite:
    """A dynalite server: in memory, or persisted in LevelDB under ``data_dir`` (kept across restarts).

    Usable without chalice, e.g. by storage tests that want a second DynamoDB implementation besides moto.
    ``stop()`` then ``start()`` again reuses the same port, so ``endpoint`` stays valid.
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        data_dir: Path | None = None,
        log_dir: Path | None = None,
    ) -> None:
        self._auto_port = port is None
        self.port = pick_free_port() if port is None else port
        self.data_dir = data_dir
        # None: a temporary directory, made on first use and removed by stop(). LocalStack sets its own here.
        self.log_dir = log_dir
        self._temp_log_dir = _OwnedDir(None, "qbwc-dynalite-log-")
        self._child: _Child | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs (its process group has the same id)."""
        return None if self._child is None else self._child.pid

    @property
    def log_path(self) -> Path:
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            return self.log_dir / "dynalite.log"
        return self._temp_log_dir.path / "dynalite.log"

    def running(self) -> bool:
        return self._child is not None and self._child.running()

    def start(self, timeout: float = 20.0) -> None:
        """Start the server and return once it listens; a port we picked that got taken is replaced."""
        if self.running():
            raise LocalStackError("dynalite is already running")
        if not DYNALITE_CLI.is_file():
            raise LocalStackError(f"{DYNALITE_CLI} is missing: run `npm ci` in {REPO_ROOT} (make does it)")
        node = _find_node()
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)

        def argv(port: int) -> list[str]:
            # Tables become ACTIVE at once instead of after dynalite's default 500 ms: faster test stacks.
            args = [node, str(DYNALITE_CLI), "--host", HOST, "--port", str(port), "--createTableMs", "0"]
            return args + (["--path", str(self.data_dir)] if self.data_dir is not None else [])

        self._child, self.port = _spawn_listening(
            "dynalite",
            self.log_path,
            argv,
            port=self.port,
            auto_port=self._auto_port,
            env=local_base_env(),
            cwd=REPO_ROOT,
            marker="Dynalite listening at",
            timeout=timeout,
        )
        self._check_answers(self._child)

    def _check_answers(self, child: _Child) -> None:
        # dynalite listens before it opens LevelDB, and a data_dir locked by another dynalite only shows up
        # as failing requests: one real request tells a usable server from a broken one.
        try:
            self.client(retries=1).list_tables(Limit=1)
        except Exception as exc:  # any failure here means the server is not usable
            child.stop()
            self._child = None
            hint = ""
            if self.data_dir is not None:
                hint = (
                    f" Is another dynalite using {self.data_dir}? LevelDB allows one process per directory."
                )
            raise LocalStackError(
                f"dynalite on {self.endpoint} does not answer requests ({exc}).{hint}\n"
                f"Last lines of {child.log_path}:\n{_tail(child.log_path)}"
            ) from None

    def stop(self) -> None:
        """Stop the server (idempotent). Its data survives when ``data_dir`` is set."""
        if self._child is not None:
            self._child.stop()
            self._child = None
        self._temp_log_dir.cleanup()

    def client(self, *, retries: int = 3) -> Any:
        """A boto3 DynamoDB client for this server, with the dummy local credentials."""
        return boto3.client(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name=LOCAL_AWS_ENV["AWS_DEFAULT_REGION"],
            aws_access_key_id=LOCAL_AWS_ENV["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_AWS_ENV["AWS_SECRET_ACCESS_KEY"],
            config=Config(
                connect_timeout=2, read_timeout=10, retries={"max_attempts": retries, "mode": "standard"}
            ),
        )

    def ensure_table(self, table_name: str = DEFAULT_TABLE_NAME) -> bool:
        """Create the app's table unless it exists (see ``table_spec``); True if it was created."""
        return ensure_table(self.client(), table_name)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _chalice_argv(port: int) -> list[str]:
    # ``chalice local`` through tools/chalice_local.py (Nagle's algorithm off: see there), run by the
    # interpreter that has chalice installed: the running one when the venv's chalice sits next to it, else
    # the repo's venv.
    python = Path(sys.executable)
    if not (python.parent / "chalice").is_file() and (REPO_ROOT / ".venv" / "bin" / "chalice").is_file():
        python = REPO_ROOT / ".venv" / "bin" / "python"
    launcher = Path(__file__).resolve().with_name("chalice_local.py")
    return [
        str(python),
        str(launcher),
        "local",
        "--stage",
        "local",
        "--host",
        HOST,
        "--port",
        str(port),
        "--no-autoreload",
    ]


class LocalStack:
    """dynalite + the table + ``chalice local``, started together and stopped together.

    Ports left as None are picked free; ``data_dir`` None keeps dynalite in memory; ``outbox_dir`` and
    ``log_dir`` left as None become temporary directories that ``stop()`` removes (pass your own, e.g.
    pytest's ``tmp_path``, to read the chalice log after a failure).
    """

    # How long start() waits for GET /api/health to answer 200.
    startup_timeout = 60.0

    def __init__(
        self,
        *,
        api_port: int | None = None,
        dynamodb_port: int | None = None,
        data_dir: Path | None = None,
        outbox_dir: Path | None = None,
        table_name: str = DEFAULT_TABLE_NAME,
        extra_env: Mapping[str, str] | None = None,
        log_dir: Path | None = None,
        project_dir: Path = REPO_ROOT,
    ) -> None:
        self._auto_api_port = api_port is None
        self.api_port = pick_free_port() if api_port is None else api_port
        self.table_name = table_name
        self.extra_env = dict(extra_env or {})
        # Where `chalice local` runs (app.py and .chalice/); only tests point it elsewhere.
        self.project_dir = project_dir
        self._logs = _OwnedDir(log_dir, "qbwc-local-stack-log-")
        self._outbox = _OwnedDir(outbox_dir, "qbwc-outbox-")
        self.dynalite = Dynalite(port=dynamodb_port, data_dir=data_dir, log_dir=log_dir)
        self._chalice: _Child | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.api_port}"

    @property
    def public_url(self) -> str:
        # What .qwc files carry: QBWC accepts plain http only for localhost.
        return f"http://localhost:{self.api_port}"

    @property
    def dynamodb_endpoint(self) -> str:
        return self.dynalite.endpoint

    @property
    def outbox_dir(self) -> Path:
        return self._outbox.path

    @property
    def log_dir(self) -> Path:
        return self._logs.path

    @property
    def chalice_log(self) -> Path:
        return self.log_dir / "chalice.log"

    @property
    def env(self) -> dict[str, str]:
        """The full environment the app runs with; ``Settings.from_env(stack.env)`` sees what the app sees."""
        return local_base_env(
            {
                "STAGE": "local",
                "TABLE_NAME": self.table_name,
                "DYNAMODB_ENDPOINT": self.dynamodb_endpoint,
                "PUBLIC_URL": self.public_url,
                "OUTBOX_DIR": str(self.outbox_dir),
                # Log lines reach the file as they happen, not when a buffer fills.
                "PYTHONUNBUFFERED": "1",
                **self.extra_env,
            }
        )

    @property
    def chalice_pid(self) -> int | None:
        """The ``chalice local`` process id while it runs (it leads its own process group)."""
        return None if self._chalice is None else self._chalice.pid

    def running(self) -> bool:
        return self._chalice is not None and self._chalice.running() and self.dynalite.running()

    def log_tail(self, lines: int = _LOG_TAIL_LINES) -> str:
        """The last lines of both logs, for assertion messages."""
        return (
            f"--- {self.chalice_log}\n{_tail(self.chalice_log, lines)}\n"
            f"--- {self.dynalite.log_path}\n{_tail(self.dynalite.log_path, lines)}"
        )

    def start(self) -> None:
        """Start dynalite, create the table, start chalice local and wait until /api/health answers 200."""
        if self._chalice is not None:
            raise LocalStackError("the local stack is already running")
        # Keep the dynalite log next to chalice's, also when that directory is a temporary one made here.
        self.dynalite.log_dir = self.log_dir
        atexit.register(self.stop)
        try:
            self.dynalite.start()
            self.dynalite.ensure_table(self.table_name)
            self._start_chalice()
            self._wait_healthy()
        except BaseException:
            self.stop(keep_logs=True)
            raise

    def _start_chalice(self) -> None:
        self._chalice, self.api_port = _spawn_listening(
            "chalice local",
            self.chalice_log,
            _chalice_argv,
            port=self.api_port,
            auto_port=self._auto_api_port,
            env=self.env,
            cwd=self.project_dir,
            marker="Serving on http://",  # printed after the socket is bound: from then on the port is ours
            timeout=self.startup_timeout,
        )

    def _wait_healthy(self) -> None:
        url = self.base_url + "/api/health"
        deadline = time.monotonic() + self.startup_timeout
        last = "no answer yet"
        while True:
            if self._chalice is None or not self._chalice.running():
                raise LocalStackError(f"chalice local exited before {url} answered.\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own http URL
                    if response.status == 200:
                        return
                    last = f"HTTP {response.status}"
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}: {exc.read(500).decode('utf-8', 'replace')}"
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            if time.monotonic() > deadline:
                raise LocalStackError(
                    f"{url} did not answer 200 within {self.startup_timeout:.0f} s (last: {last}).\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.1)

    def stop(self, *, keep_logs: bool = False) -> None:
        """Stop chalice, then dynalite (idempotent); temporary directories made here are removed."""
        atexit.unregister(self.stop)
        if self._chalice is not None:
            self._chalice.stop()
            self._chalice = None
        self.dynalite.stop()
        if not keep_logs:
            # A failed start keeps them: its error message names the files.
            self._logs.cleanup()
        self._outbox.cleanup()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


# --- `make run` -------------------------------------------------------------------------------------------


class _StopRequested(KeyboardInterrupt):
    """The first stop signal, raised in the main thread. A KeyboardInterrupt, so that library code treats it
    as an interruption (subprocess, boto3) and ``except Exception`` blocks do not swallow it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _StopSignals:
    """Turns the first of ``STOP_SIGNALS`` into ``_StopRequested``; any later one is ignored.

    Raising again once shutdown has begun is what broke `make run`: a second SIGTERM (or a Ctrl-C) landing
    in ``stack.stop()`` ended the process with a KeyboardInterrupt traceback before dynalite was stopped.
    The handler never prints: a handler writing to stdout while the main thread is inside a write of its
    own fails with "reentrant call".
    """

    def __init__(self) -> None:
        self._raising = True

    def install(self) -> None:
        # Setting SIGINT explicitly also makes Ctrl-C work where it arrives ignored (a shell starts
        # background jobs that way).
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._handle)

    def hold(self) -> None:
        """From now on signals are ignored: shutdown has begun and must not be cut short."""
        self._raising = False

    def ignore(self) -> None:
        """Ignore the stop signals at the OS level, for a process that is about to exit.

        Python resets its handlers to SIG_DFL while the interpreter shuts down, so a late SIGINT would
        turn a clean exit 0 into a death by signal; SIG_IGN survives that.
        """
        self._raising = False
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self._raising:
            self._raising = False
            raise _StopRequested(signum)


def _say(text: str, stream: TextIO | None = None, *, end: str = "\n") -> None:
    """Write ``text`` and flush; a reader that went away is not an error.

    Ctrl-C on `make run | tee log` ends tee as well, and SIGHUP means the terminal is gone: the write fails
    with BrokenPipeError or EIO, and a traceback there would cut the shutdown short.
    """
    out = sys.stdout if stream is None else stream
    try:
        out.write(text + end)
        out.flush()
    except OSError:
        # Nobody reads any more: later writes, and the flush at exit, go to /dev/null instead of failing.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, out.fileno())
            os.close(devnull)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.local_stack",
        description=(
            "Run the local stack (dynalite + chalice local) until Ctrl-C (`make run`), or run a command "
            "with the environment of the running local stack (`make token`, `make demo`)."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT", "8000")), help="app port (PORT)"
    )
    parser.add_argument(
        "--dynamodb-port",
        type=int,
        default=int(os.environ.get("DYNAMODB_PORT", "8001")),
        help="dynalite port (DYNAMODB_PORT)",
    )
    parser.add_argument(
        "--var-dir", type=Path, default=REPO_ROOT / "var", help="data, outbox and logs go under here"
    )
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="start the stack and wait for Ctrl-C (the default)")
    run.add_argument("--quiet", action="store_true", help="do not echo the chalice log to the terminal")
    run_command = commands.add_parser(
        "exec", help="run COMMAND with the running stack's environment (DYNAMODB_ENDPOINT, DEMO_URL, ...)"
    )
    run_command.add_argument("--needs-app", action="store_true", help="also require the app to answer")
    run_command.add_argument("argv", nargs=argparse.REMAINDER, metavar="COMMAND")
    args = parser.parse_args(argv)
    if args.command is None:
        args.command, args.quiet = "run", False
    return args


def _stack_for(args: argparse.Namespace) -> LocalStack:
    """The stack `make run` runs (fixed ports, data under ./var/), also used to describe it to `exec`."""
    var_dir: Path = args.var_dir
    # A developer's own settings (e.g. SESSION_IDLE_SECONDS=60 make run) still reach the app; the ones the
    # stack owns are not taken from the shell.
    passthrough = {
        key: os.environ[key]
        for key in APP_SETTING_VARS
        if key in os.environ and key not in ("STAGE", "DYNAMODB_ENDPOINT", "PUBLIC_URL", "OUTBOX_DIR")
    }
    return LocalStack(
        api_port=args.port,
        dynamodb_port=args.dynamodb_port,
        data_dir=var_dir / "dynalite",
        outbox_dir=var_dir / "outbox",
        log_dir=var_dir / "log",
        table_name=passthrough.pop("TABLE_NAME", DEFAULT_TABLE_NAME),
        extra_env=passthrough,
    )


def _answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((HOST, port)) == 0


def _exec(args: argparse.Namespace) -> int:
    """Replace this process with ``args.argv``, run with the environment of the stack `make run` runs."""
    command: list[str] = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    if not command:
        print("exec: no command given", file=sys.stderr)
        return 2
    stack = _stack_for(args)
    needed = [(stack.dynamodb_endpoint, args.dynamodb_port)]
    if args.needs_app:
        needed.append((stack.base_url, args.port))
    for url, port in needed:
        if not _answers(port):
            print(
                f"Nothing answers on {url}: start the local stack first (`make run` in another terminal).",
                file=sys.stderr,
            )
            return 1
    env = stack.env
    # Where `make demo` (simulators.demo) finds the running app; the app itself gets PUBLIC_URL.
    env["DEMO_URL"] = stack.base_url
    env.pop("PYTHONUNBUFFERED", None)
    sys.stdout.flush()
    os.execvpe(command[0], command, env)  # noqa: S606 - the command is the caller's, by design


def _follow(path: Path, offset: int) -> int:
    """Copy what was appended to ``path`` since ``offset`` to stdout; return the new offset."""
    try:
        with path.open("rb") as log:
            log.seek(offset)
            chunk = log.read()
    except FileNotFoundError:
        return offset
    if chunk:
        _say(chunk.decode("utf-8", "replace"), end="")
    return offset + len(chunk)


def serve(stack: LocalStack, *, echo_log: bool = True) -> int:
    """Start ``stack``, echo the chalice log (``echo_log``) and run until a stop signal; return the exit code.

    SIGINT (Ctrl-C), SIGTERM and SIGHUP all stop the stack the same way, also during start-up: both servers
    are stopped and reaped, a short message is printed and the exit code is 0, because a requested stop is
    how this server normally ends (a CI job or ``timeout`` that stops it has not failed). More signals while
    shutting down are ignored: stopping half-way is how orphans are made. 1 means the stack could not start
    or a server stopped on its own. Meant as the body of a process, from its main thread (as ``main`` does):
    it installs signal handlers, and once it returns the stop signals stay ignored while the process exits.
    """
    signals = _StopSignals()
    try:
        try:
            signals.install()
            code = _run_until_stopped(stack, echo_log=echo_log)
        finally:
            # A signal that comes before this line is raised inside the outer try, so it is caught below.
            signals.hold()
    except _StopRequested as stop:
        _say(f"\n{signal.Signals(stop.signum).name}: stopping ...")
        code = 0
    finally:
        stack.stop()
        signals.ignore()
    if code == 0:
        _say("Stopped.")
    return code


def _run_until_stopped(stack: LocalStack, *, echo_log: bool) -> int:
    """Start the stack and watch it; returns 1 when it cannot start or a server ends (a signal raises)."""
    _say(f"Starting dynalite on {stack.dynamodb_endpoint} and chalice local on {stack.base_url} ...")
    try:
        stack.start()
    except LocalStackError as exc:
        _say(f"Could not start the local stack: {exc}", sys.stderr)
        return 1
    _say(
        "\n"
        f"  qbwc-bridge is running on   {stack.base_url}\n"
        f"  QBWC endpoint (.qwc files)  {stack.public_url}/qbwc\n"
        f"  DynamoDB (dynalite)         {stack.dynamodb_endpoint}, table {stack.table_name!r},"
        f" data in {stack.dynalite.data_dir}\n"
        f"  e-mail outbox               {stack.outbox_dir}\n"
        f"  logs                        {stack.log_dir}\n"
        "\n"
        "  API token: `make token` in another terminal (`make token SCOPE=source` for a source token).\n"
        "  Simulated QuickBooks + Web Connector session: `make demo`.\n"
        "  Ctrl-C stops both servers.\n"
    )
    offset = stack.chalice_log.stat().st_size
    while stack.running():
        if echo_log:
            offset = _follow(stack.chalice_log, offset)
        time.sleep(0.2)
    _say(f"A server stopped on its own.\n{stack.log_tail()}", sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    """`run` (default): start the stack with data under ./var/ and serve until stopped (see ``serve``);
    `exec`: see ``_exec``."""
    args = _parse_args(argv)
    if args.command == "exec":
        return _exec(args)
    for name, port, variable in (
        ("app", args.port, "PORT"),
        ("dynalite", args.dynamodb_port, "DYNAMODB_PORT"),
    ):
        if not port_is_free(port):
            print(
                f"Port {port} on {HOST} ({name}) is already in use: is another `make run` still running?\n"
                f"Stop it, or choose another port: make run {variable}=<port>",
                file=sys.stderr,
            )
            return 1
    return serve(_stack_for(args), echo_log=not args.quiet)


if __name__ == "__main__":
    sys.exit(main())

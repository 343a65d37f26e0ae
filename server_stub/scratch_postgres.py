"""A throwaway PostgreSQL server, for tests, benchmarks and testers' own scripts::

    with ScratchPostgres() as cluster:
        url = cluster.create_database("trial")  # postgresql://d2fa@127.0.0.1:PORT/trial
        ...  # desktop-2fa-server --db URL --workers 2

`initdb` into a new temporary folder, then `postgres` in the foreground on
127.0.0.1 (a free port) with its Unix socket in that folder; `stop` shuts it
down fast and deletes the folder. PostgreSQL refuses to run as root, so as
root the cluster runs as the unprivileged user `nobody`, who then owns the
folder. The binaries come from Debian's `postgresql` package
(/usr/lib/postgresql/<version>/bin) or the PATH.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

UNPRIVILEGED_USER = "nobody"
SUPERUSER = "d2fa"


class ScratchPostgresError(RuntimeError):
    """PostgreSQL is not installed, or the scratch server did not start."""


def server_binaries() -> Path:
    """The folder holding `initdb` and `postgres` (the newest installed version).

    Raises:
        ScratchPostgresError: PostgreSQL's server programs are not installed.
    """
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if found:
        newest = max(found, key=lambda p: int(Path(p).parents[1].name.split(".")[0]))
        return Path(newest).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise ScratchPostgresError(
        "PostgreSQL's server is not installed (Debian: apt-get install postgresql; "
        "`make test` installs it)"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ScratchPostgres:
    """One temporary cluster; `start` it (or use `with`), `stop` it."""

    def __init__(self, *, durable: bool = False) -> None:
        """`durable=False` turns fsync off: fine for tests, never for real data."""
        self.durable = durable
        self.port = 0
        self.folder: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._user: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            self._user = pwd.getpwnam(UNPRIVILEGED_USER)

    def _environment(self) -> dict[str, str]:
        return {**os.environ, "HOME": str(self.folder), "LC_ALL": "C", "TZ": "UTC"}

    def _run_as_user(self) -> dict[str, object]:
        if self._user is None:
            return {}
        return {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": []}

    def start(self, timeout: float = 60.0) -> None:
        """Create the cluster and wait until it accepts connections.

        Raises:
            ScratchPostgresError: not installed, or it would not start.
        """
        binaries = server_binaries()
        folder = Path(tempfile.mkdtemp(prefix="d2fa-postgres-"))
        self.folder = folder
        if self._user is not None:
            os.chown(folder, self._user.pw_uid, self._user.pw_gid)
        env = self._environment()
        done = subprocess.run(
            [str(binaries / "initdb"), "-D", str(folder / "data"), "-U", SUPERUSER,
             "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"],
            capture_output=True, env=env, check=False, timeout=timeout,
            **self._run_as_user(),  # type: ignore[call-overload]
        )  # fmt: skip
        if done.returncode != 0:
            self.stop()
            raise ScratchPostgresError(f"initdb failed: {done.stderr.decode()[-2000:]}")
        for _ in range(5):  # a free port can be taken between the check and the bind
            self.port = _free_port()
            if self._launch(binaries, env, timeout):
                return
        self.stop()
        raise ScratchPostgresError("postgres did not start; see its log:\n" + self.log()[-2000:])

    def _launch(self, binaries: Path, env: dict[str, str], timeout: float) -> bool:
        assert self.folder is not None
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": str(self.folder),
            "max_connections": "200",
            "shared_buffers": "32MB",
        }
        if not self.durable:
            settings.update(fsync="off", synchronous_commit="off", full_page_writes="off")
        options = [f"--{name.replace('_', '-')}={value}" for name, value in settings.items()]
        logged_before = len(self.log())
        with open(self.folder / "postgres.log", "ab") as log:
            self._process = subprocess.Popen(
                [str(binaries / "postgres"), "-D", str(self.folder / "data"), *options],
                stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=env,
                **self._run_as_user(),  # type: ignore[call-overload]
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                return False
            if "ready to accept connections" in self.log()[logged_before:]:
                return True
            time.sleep(0.05)
        return False

    def log(self) -> str:
        """What the server wrote so far."""
        if self.folder is None or not (self.folder / "postgres.log").exists():
            return ""
        return (self.folder / "postgres.log").read_text("utf-8", "replace")

    def url(self, database: str = "postgres") -> str:
        """`postgresql://d2fa@127.0.0.1:PORT/DATABASE`."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new, empty database; returns its URL."""
        import psycopg

        if not name.isidentifier():
            raise ValueError(f"database names here are plain identifiers, not {name!r}")
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def halt(self) -> None:
        """Fast shutdown (clients are disconnected); the data stays for `resume`."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)  # PostgreSQL's "fast" shutdown
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def resume(self, timeout: float = 60.0) -> None:
        """Start the halted server again on the same port.

        Raises:
            ScratchPostgresError: it would not start.
        """
        assert self.folder is not None and self._process is None
        if not self._launch(server_binaries(), self._environment(), timeout):
            raise ScratchPostgresError("postgres did not start again:\n" + self.log()[-2000:])

    def stop(self) -> None:
        """Fast shutdown (clients are disconnected), then delete the folder."""
        self.halt()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> ScratchPostgres:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

"""A throwaway PostgreSQL server for tests: `initdb` into a temp dir, `pg_ctl start` on a free port,
`pg_ctl stop` + delete on exit. Takes about a second; nothing is left behind.

The server binaries are found in $CU_PG_BIN, then /usr/lib/postgresql/<newest>/bin (Debian/Ubuntu),
then on PATH. PostgreSQL refuses to run as root, so when the tests run as root the server runs as
the `postgres` account (created by the Debian package), falling back to `nobody`.
"""

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "cu"
INSTALL_HINT = ("PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. Install them: "
                "`apt-get install -y postgresql` (Debian/Ubuntu; .ci/run does this), "
                "`brew install postgresql@15` (macOS), or point CU_PG_BIN at their bin directory.")


class PostgresUnavailable(RuntimeError):
    """The server binaries are missing or the server did not start (the message says why)."""


def find_bin_dir() -> Path:
    candidates = []
    if os.environ.get("CU_PG_BIN"):
        candidates.append(Path(os.environ["CU_PG_BIN"]))
    candidates += sorted((Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
                         key=lambda p: _version_key(p.parent.name), reverse=True)
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb")).resolve().parent)
    for directory in candidates:
        if all((directory / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return directory
    raise PostgresUnavailable(INSTALL_HINT)


def _version_key(name: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in name.split("."))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_account() -> pwd.struct_passwd | None:
    """None when we may run the server ourselves; else the unprivileged account to run it as."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable("running as root and there is no 'postgres' or 'nobody' account to run the "
                              "PostgreSQL server as (it refuses to run as root): create one, e.g. "
                              "`useradd --system postgres`, or run the tests as a normal user.")


@dataclass
class PostgresServer:
    """One running server. `url()` works both as a SQLAlchemy URL (2.x: `postgresql://` = psycopg 3)
    and as a libpq connection string."""

    bin_dir: Path
    root: Path
    port: int
    user: str = SUPERUSER
    _account: pwd.struct_passwd | None = field(default=None, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        kwargs = {}
        if self._account is not None:
            kwargs = {"user": self._account.pw_uid, "group": self._account.pw_gid, "extra_groups": []}
        env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PGTZ": "UTC"}
        if self._account is not None:
            env["HOME"] = str(self.root)
        return subprocess.run(args, capture_output=True, text=True, env=env, cwd=self.root, **kwargs)

    def _check(self, result: subprocess.CompletedProcess, what: str) -> None:
        if result.returncode != 0:
            log = self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            raise PostgresUnavailable(f"{what} failed ({result.returncode}): {result.stderr or result.stdout}\n{log}")

    def start(self) -> "PostgresServer":
        self._check(self._run(str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", self.user,
                              "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"),
                    "initdb")
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c timezone=UTC")
        self._check(self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_file),
                              "-o", options, "-w", "-t", "30", "start"), "pg_ctl start")
        return self

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")

    def create_database(self, name: str) -> str:
        """A fresh database; returns its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def start_server(attempts: int = 3) -> PostgresServer:
    """Start a server in a new temp dir (retrying if another process grabs the port first)."""
    bin_dir = find_bin_dir()
    account = _server_account()
    last: Exception | None = None
    for _ in range(attempts):
        # Not under pytest's tmp_path: that is private to root, and the server may run as another user.
        # Short path: the Unix socket lives here too (socket paths are limited to ~100 characters).
        root = Path(tempfile.mkdtemp(prefix="cu-pg-"))
        if account is not None:
            os.chown(root, account.pw_uid, account.pw_gid)
        server = PostgresServer(bin_dir, root, free_port(), _account=account)
        try:
            server.start()
            atexit.register(stop_server, server)  # also when a script using this forgets to (idempotent)
            return server
        except PostgresUnavailable as e:
            last = e
            server.stop()
            shutil.rmtree(root, ignore_errors=True)
            time.sleep(0.2)
    raise last  # type: ignore[misc]


def stop_server(server: PostgresServer) -> None:
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)

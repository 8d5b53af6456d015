"""Running the real `gasguard` commands as subprocesses against the test database.

pytest-django's SQLite test database lives in memory, out of reach of another process: `live_database` copies it
(SQLite's backup API) to a temporary file that the subprocesses use. On PostgreSQL the subprocesses use the test
database itself. Either way the test runs with `transactional_db`, so what it creates is committed and visible."""
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

BIN = Path(sys.executable).parent / "gasguard"


@dataclass
class LiveDatabase:
    url: str
    sqlite_path: str | None = None

    def cleanup(self):
        if self.sqlite_path:
            for suffix in ("", "-wal", "-shm"):
                Path(self.sqlite_path + suffix).unlink(missing_ok=True)

    def scalar(self, sql: str, params=()):
        """One value from the database the subprocesses write to."""
        if self.sqlite_path:
            with sqlite3.connect(self.sqlite_path, timeout=20) as con:
                return con.execute(sql.replace("%s", "?"), params).fetchone()[0]
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone()[0]


def live_database() -> LiveDatabase:
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        return LiveDatabase(f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}")
    connection.ensure_connection()
    fd, path = tempfile.mkstemp(prefix="gasguard-live-", suffix=".sqlite3")
    os.close(fd)
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    return LiveDatabase(f"sqlite:///{path}", sqlite_path=path)


@dataclass
class Proc:
    """A `gasguard …` subprocess whose output is read line by line on a thread."""
    args: list
    env: dict
    lines: list = field(default_factory=list)
    popen: subprocess.Popen | None = None

    def start(self):
        self.lines = []
        self.popen = subprocess.Popen([str(BIN), *self.args], env=self.env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True, bufsize=1)
        threading.Thread(target=self._read, args=(self.popen,), daemon=True).start()
        return self

    def _read(self, popen):
        for line in popen.stdout:
            self.lines.append(line.rstrip())

    def wait_for(self, text: str, timeout=30.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(text in line for line in self.lines):
                return
            if self.popen.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{self.args[0]} did not print {text!r}:\n" + "\n".join(self.lines[-30:]))

    def kill(self):
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(10)

    def stop(self):
        if self.popen and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


def env_for(db: LiveDatabase, **extra) -> dict:
    env = {**os.environ, "DATABASE_URL": db.url, "LOG_LEVEL": "WARNING", **extra}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env

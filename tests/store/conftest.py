"""Each store test runs on the embedded SQLite catalog and, marked `postgres`, on a real
PostgreSQL catalog (`make test-postgres`: Debian's PostgreSQL on a loopback port, started by
.ci/postgres). Without OVERBLIK_TEST_PG a PostgreSQL test fails: it is never skipped."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import store

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Lake:
    """A store under test: how to open it here and how a command-line process finds it."""

    kind: str
    db: str | None  # the --db argument (embedded) or None (the environment names it)
    env: dict[str, str] = field(default_factory=dict)

    def connect(self, read_only: bool = False):
        return store.connect(self.db, read_only=read_only)

    def args(self) -> list[str]:
        return ["--db", self.db] if self.db else []

    def cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "loaders", *args, *self.args()],
            cwd=ROOT, capture_output=True, text=True, timeout=timeout,
            env={**os.environ, **self.env, "OVERBLIK_USER": "test"},
        )  # fmt: skip

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "loaders", *args, *self.args()],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **self.env, "OVERBLIK_USER": "test"},
        )  # fmt: skip


def postgres_settings() -> str:
    dsn = os.environ.get("OVERBLIK_TEST_PG")
    if not dsn:
        pytest.fail("OVERBLIK_TEST_PG is not set: run `make test-postgres` (it starts PostgreSQL)")
    return dsn


def new_postgres_database(dsn: str) -> str:
    """A fresh database on the test server; its name."""
    name = "t_" + uuid.uuid4().hex[:12]
    settings = dict(part.split("=", 1) for part in dsn.split())
    subprocess.run(
        ["psql", "-h", settings.get("host", "127.0.0.1"), "-p", settings.get("port", "5432"),
         "-U", settings.get("user", "postgres"), "-d", "postgres", "-qc", f"CREATE DATABASE {name}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return name


def make_lake(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Lake:
    for var in ("OVERBLIK_DB", "OVERBLIK_CATALOG", "OVERBLIK_DATA_PATH"):
        monkeypatch.delenv(var, raising=False)
    if kind == "sqlite":
        path = str(tmp_path / "store.sqlite")
        monkeypatch.setenv("OVERBLIK_DB", path)
        return Lake(kind, path, {"OVERBLIK_DB": path})
    dsn = postgres_settings()
    env = {
        "OVERBLIK_CATALOG": f"postgres:dbname={new_postgres_database(dsn)} {dsn}",
        "OVERBLIK_DATA_PATH": str(tmp_path / "shared-lake"),
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return Lake(kind, None, env)

"""Shared fixtures: the demo database built exactly as `make demo` builds it, and clean caches."""

from __future__ import annotations

import fcntl
import os
import subprocess
from pathlib import Path

import pytest

from tests.needs import in_ci

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh demo database built by `make demo` (the loader path), shared by the session; do not
    write to it. Built once per run: under pytest-xdist the first worker builds it (20 s) in the
    run's shared folder while the others wait, and each worker works on its own copy."""
    from store.backup import clone

    mine = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        _make_demo(mine)
        return mine
    shared = tmp_path_factory.getbasetemp().parent / "demo"  # the run's folder, beside the workers'
    shared.mkdir(exist_ok=True)
    with (shared / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "built").exists():
            _make_demo(shared / "demo.sqlite")
            (shared / "built").touch()
    return clone(shared / "demo.sqlite", mine)


def _make_demo(path: Path) -> None:
    subprocess.run(
        ["make", "--no-print-directory", "-s", "demo", f"DB={path}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "MAKEFLAGS": ""},
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def lake(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A store under test on the embedded SQLite catalog and, marked postgres, on a real PostgreSQL
    catalog (tests/store/conftest.py: make_lake)."""
    from tests.store.conftest import make_lake

    return make_lake(request.param, tmp_path, monkeypatch)


@pytest.fixture(autouse=True, scope="session")
def _scan_components_once():
    """Every AppTest scans the metadata of every installed package for Streamlit components (0,4 s
    each, hundreds of AppTests in a run); the installed packages do not change during a run."""
    import functools

    from streamlit.components.v2 import manifest_scanner

    real = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(real)
    yield
    manifest_scanner.scan_component_manifests = real


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """st.cache_data and st.cache_resource outlive an AppTest within one pytest process."""
    yield
    try:
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()
    except Exception:
        pass


# The slowest files first (seconds of `pytest --durations` on this machine). pytest-xdist hands
# whole files to its two workers in this order (the Makefile passes --no-loadscope-reorder, else
# it orders them by their number of tests), so a run ends with small files on both workers instead
# of one running a long file alone while the other waits: that tail was minutes of `make test`.
SLOWEST_FIRST = (
    "tests/browser/test_accessibility.py",  # 435 s
    "tests/loaders/test_accounted.py",  # 210 s
    "tests/browser/test_data_page_flow.py",  # 166 s
    "tests/store/test_operations.py",  # 166 s
    "tests/loaders/test_erase.py",  # 146 s
    "tests/app/test_projects.py",  # 133 s
    "tests/app/test_data_page.py",  # 131 s
    "tests/browser/test_browser.py",  # 124 s
    "tests/browser/test_login.py",  # 103 s
    "tests/browser/test_hostile_pages.py",  # 80 s
    "tests/loaders/test_cli.py",  # 71 s
    "tests/annex/test_annex.py",  # 61 s
    "tests/app/test_audit.py",  # 58 s
    "tests/store/test_store.py",  # 56 s
    "tests/browser/test_many_processes.py",  # 40 s
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    missing = [p for p in SLOWEST_FIRST if not (ROOT / p).is_file()]
    assert not missing, f"tests/conftest.py SLOWEST_FIRST names files that are gone: {missing}"
    rank = {p: i for i, p in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # stable: files stay whole


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Under CI=true a skip is a failure: a missing file, package or tool must fail the run, not
    hide a test (a laptop without ../shared/realdata or Chromium still skips, with the reason)."""
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which counts as a failure: {reason}"

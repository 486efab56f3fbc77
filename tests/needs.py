"""What a test needs from outside the Python packages (a browser, LibreOffice, axe-core, the real
files beside the clone): in CI its absence fails the run, since it means an install step is
missing; on a laptop the test skips and says how to get it."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    """Whether this is a CI run: CI set to anything but empty, 0 or false (CI=true, CI=1, ...)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(what: str, fix: str = "run `make test` (it installs it) or `sudo make sysdeps`") -> None:
    """Fail in CI, skip elsewhere; the message names what is missing and how to get it."""
    msg = f"{what} is missing: {fix}"
    if in_ci():  # CI=true (or 1, yes): fail, a skip would hide a missing install step
        pytest.fail(f"{msg} (a skip in CI would hide a missing install step)")
    # Only outside CI (in_ci() is False here): a laptop skips with the reason. tests/conftest.py
    # also turns any other skip into a failure under CI.
    pytest.skip(msg)

"""What a test needs from outside the Python packages (a browser, LibreOffice, axe-core, the real
files beside the clone): in CI its absence fails the run, since it means an install step is
missing; on a laptop the test skips and says how to get it."""

from __future__ import annotations

import os

import pytest


def missing(what: str, fix: str = "run `make test` (it installs it) or `sudo make sysdeps`") -> None:
    """Fail under CI=true, else skip; the message names what is missing and how to get it."""
    msg = f"{what} is missing: {fix}"
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)

"""Every input `make fuzz` ever found a bug with, replayed: each now gives a result or the loaders'
own refusal, in a child within its limits (tests/fuzz_readers.py says what a bug is)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz_readers import KEPT, check

FOUND = sorted(p for p in KEPT.glob("*") if p.suffix in (".xlsx", ".csv", ".xls"))


def test_the_fuzzer_has_kept_what_it_found():
    assert FOUND, "tests/fuzz_regressions/ is empty: make fuzz keeps each input that found a bug"


@pytest.mark.parametrize("path", FOUND, ids=[p.name for p in FOUND])
def test_a_kept_input_no_longer_finds_a_bug(path: Path):
    check(path.name, path.read_bytes())

"""make fuzz: hypothesis drives the readers with mutated workbooks and CSV files for a bounded time.

    python -m tests.fuzz_readers [--minutes 10]

Each input goes the way an upload goes (examine_isolated: the checks, then the readers, shape and
validate in a child under the limits). Allowed: a result, or the loaders' own refusal. A bug:
any other exception (ChildBug), a child that dies or hits its limits on a file of a few KB
(file.limit), or a run slower than the wall limit. Every input that finds a bug is kept in
tests/fuzz_regressions/ and test_fuzz_regressions.py (in `make test`) replays it ever after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import random
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from loaders.ingest import Options, examine_isolated
from loaders.isolate import ChildBug, Limits
from loaders.problems import LoaderError

HERE = Path(__file__).resolve().parent
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
KEPT = HERE / "fuzz_regressions"
LIMITS = Limits(memory_mb=1536, cpu_seconds=30, wall_seconds=60)

HEADERS = ["Navn", "Titel", "Organisation", "Netværk", "Pulje", "År", "Projekt", "Modtager", "Beløb", "Dato",
           "Akronym", "Regionens andel", "Periode", "I alt", "Eksterne", "Status"]  # fmt: skip
CELL = st.one_of(
    st.none(),
    st.sampled_from(HEADERS),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        ["1.125", "7,6 mio. kr.", "ca. 41 mio.", "17-06-98", "2019", "'=1+1", "010190-1234", "Møde 3"]
    ),
    st.booleans(),
    st.dates(dt.date(1900, 1, 1), dt.date(2200, 1, 1)),
)
GRID = st.lists(st.lists(CELL, max_size=8), max_size=25)


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    # Fixed dates in the workbook's properties: the same cells must give the same bytes.
    wb.properties.created = wb.properties.modified = dt.datetime(2025, 1, 1)
    ws = wb.active
    for r in rows:
        # openpyxl refuses control characters in text: they are left out (the reader still gets
        # them through the byte mutations below).
        ws.append([ILLEGAL.sub("", c) if isinstance(c, str) else c for c in r])
    buf = io.BytesIO()
    try:
        wb.save(buf)
    except Exception:  # openpyxl refuses some characters: an empty book then
        buf = io.BytesIO()
        empty = Workbook()
        empty.properties.created = empty.properties.modified = dt.datetime(2025, 1, 1)
        empty.save(buf)
    return buf.getvalue()


INSERTS = [
    b"<",
    b">",
    b'r="XFD1048576"',
    b'<c r="ZZ999999"><v>1</v></c>',
    b"&amp;",
    b"<!--",
    b"\x00",
    b"\xff\xfe",
    b'"',
]


@st.composite
def mutated_xlsx(draw: st.DrawFn) -> tuple[str, bytes]:
    """A workbook of random cells, then damaged: one member's XML edited, bytes flipped, or cut.
    Hypothesis draws the cells and a seed; the damage follows from the seed (the bytes of a zip
    carry the time, so their lengths are no stable thing to draw positions from)."""
    data = _xlsx(draw(GRID))
    how = draw(st.sampled_from(["none", "member", "bytes", "truncate"]))
    rng = random.Random(draw(st.integers(0, 2**32)))
    if how == "member":  # change the XML of one member: flips, inserts, deletions, repeats
        zin = zipfile.ZipFile(io.BytesIO(data))
        names = zin.namelist()
        target = rng.choice(names)
        xml = bytearray(zin.read(target))
        for _ in range(rng.randint(1, 8)):
            if not xml:
                break
            at = rng.randrange(len(xml))
            op = rng.choice(["flip", "insert", "delete", "dup"])
            if op == "flip":
                xml[at] = rng.randrange(256)
            elif op == "insert":
                xml[at:at] = rng.choice(INSERTS)
            elif op == "delete":
                del xml[at : at + rng.randint(1, 40)]
            else:
                end = min(len(xml), at + rng.randint(1, 200))
                xml[at:at] = xml[at:end] * rng.randint(1, 20)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for n in names:
                zout.writestr(n, bytes(xml) if n == target else zin.read(n))
        data = out.getvalue()
    elif how == "bytes":
        raw = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        data = bytes(raw)
    elif how == "truncate":
        data = data[: rng.randint(0, len(data))]
    return "fuzz.xlsx", data


@st.composite
def mutated_csv(draw: st.DrawFn) -> tuple[str, bytes]:
    """Random cells written with a random separator, quoting, line end and encoding, maybe damaged."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    sep = rng.choice([";", ",", "\t", "|"])
    lines = []
    for row in draw(GRID):
        cells = []
        for c in row:
            text = "" if c is None else str(c)
            if rng.random() < 0.5:
                text = '"' + text.replace('"', rng.choice(['""', '"'])) + '"'
            cells.append(text)
        lines.append(sep.join(cells))
    text = rng.choice(["\n", "\r\n", "\r"]).join(lines)
    data = text.encode(rng.choice(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]), errors="replace")
    if rng.random() < 0.5:
        raw = bytearray(data or b" ")
        for _ in range(rng.randint(1, 5)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        data = bytes(raw)
    return "fuzz.csv", data


@st.composite
def mutated_xls(draw: st.DrawFn) -> tuple[str, bytes]:
    """A legacy .xls (xlwt) of random cells with a few bytes flipped."""
    import xlwt

    rng = random.Random(draw(st.integers(0, 2**32)))
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Ark1")
    for r, row in enumerate(draw(GRID)):
        for c, value in enumerate(row):
            if (
                isinstance(value, (str, int, float, bool))
                and not isinstance(value, bool)
                or isinstance(value, bool)
            ):
                try:
                    ws.write(r, c, ILLEGAL.sub("", value) if isinstance(value, str) else value)
                except Exception:  # xlwt refuses some values (too long, out of range): left out
                    pass
    buf = io.BytesIO()
    wb.save(buf)
    raw = bytearray(buf.getvalue())
    for _ in range(rng.randint(0, 6)):
        raw[rng.randrange(len(raw))] = rng.randrange(256)
    return "fuzz.xls", bytes(raw)


def check(name: str, data: bytes) -> None:
    """One input, the upload's way: a bug raises AssertionError (after keeping the input)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        path.write_bytes(data)
        started = time.monotonic()
        try:
            examine_isolated(path, options=Options(), limits=LIMITS)
        except LoaderError as e:
            if e.problem.code == "file.limit":
                _keep(name, data)
                raise AssertionError(f"a {len(data)}-byte file hit the child's limits") from None
        except ChildBug as e:
            _keep(name, data)
            raise AssertionError(f"a bug in the loaders:\n{e}") from None
        if time.monotonic() - started > 20:
            _keep(name, data)
            raise AssertionError("a small file took more than 20 s")


def _keep(name: str, data: bytes) -> None:
    KEPT.mkdir(exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:16]
    (KEPT / f"{digest}{Path(name).suffix}").write_bytes(data)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(case=st.one_of(mutated_xlsx(), mutated_csv(), mutated_xls()))
def fuzz_once(case: tuple[str, bytes]) -> None:
    """A batch of 200 inputs."""
    check(*case)


def main(argv: list[str] | None = None) -> int:
    """Run batches until the time is up; exit 1 at the first bug (its input kept)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    args = ap.parse_args(argv)
    end = time.monotonic() + args.minutes * 60
    batches = 0
    while time.monotonic() < end:
        before = set(KEPT.glob("*")) if KEPT.exists() else set()
        try:
            fuzz_once()
        except Exception:
            # Hypothesis shrank the failing input and ran the smallest last: keep only that one.
            new = sorted(set(KEPT.glob("*")) - before, key=lambda p: p.stat().st_mtime_ns)
            for p in new[:-1]:
                p.unlink()
            print(f"bug found; its smallest input is kept as {new[-1] if new else '?'}", flush=True)
            raise
        batches += 1
        print(f"batch {batches}: 200 inputs, no bug", flush=True)
    print(f"{batches * 200} inputs in {args.minutes:g} minutes: no bug found")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""One entry point for the command line and the data page: examine a file, plan it, commit it.

examine(path)        read -> shape -> validate every sheet     (the untrusted part: only the file)
plan_upload(con, ..) plan each sheet against the store now     (writes nothing)
commit_plan(con, ..) commit exactly that plan, or refuse when the store changed since
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from loaders import erase
from loaders import parse as P
from loaders.commit import commit
from loaders.cpr import find_cpr
from loaders.history import current_user, live
from loaders.isolate import Limits, file_size_ok, isolation_enabled, run_isolated
from loaders.kinds import KINDS, LOAD_ORDER
from loaders.plan import SheetPlan, latest_batch, plan_sheet, touches
from loaders.problems import LoaderError, Problem
from loaders.read import read_file
from loaders.shape import shape
from loaders.validate import Validated, validate
from store import first_row

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class Options:
    """How a file is to be loaded: the kind if not recognised, values for the whole sheet, whole-list mode."""

    kind: str | None = None
    set_values: dict[str, str] = field(default_factory=dict)
    replace: bool = False
    skip_invalid: bool = False

    def as_json(self) -> dict[str, Any]:
        """What a batch records, so a byte-identical upload with the same options is recognised."""
        return {
            "kind": self.kind,
            "set": dict(sorted(self.set_values.items())),
            "replace": self.replace,
            "skip_invalid": self.skip_invalid,
        }


@dataclass
class NotData:
    """A sheet that holds no data for us (guidance, an empty sheet, an unrecognised table)."""

    sheet: str
    reason: str  # empty | unrecognised


@dataclass
class Examined:
    """What the untrusted part hands over for one file: each sheet validated, or why it is not data."""

    file: str
    sha: str
    content: bytes
    sheets: list[Validated | NotData]


@dataclass
class FilePlan:
    """A file's plan: one SheetPlan per sheet, made against the store as of batch `base`."""

    file: str
    sha: str
    content: bytes
    options: Options
    base: int
    sheets: list[SheetPlan]
    # When the rows named an erased person, content is the file with the name replaced:
    # the hash of the file as received, the stored file's name (an .xls becomes .xlsx) and why.
    sha_received: str | None = None
    stored_name: str | None = None
    note: str | None = None

    @property
    def rejected(self) -> bool:
        """Nothing of the file will be written."""
        return any(s.status == "rejected" for s in self.sheets)

    @property
    def can_commit(self) -> bool:
        """At least one sheet would change the store, and nothing blocks the file."""
        return not self.rejected and any(s.status == "planned" for s in self.sheets)


def examine(
    path: Path,
    *,
    display_name: str | None = None,
    options: Options | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> Examined:
    """Read, shape and validate every sheet of a file; LoaderError for a file that is refused whole.
    The untrusted part: an upload goes through examine_isolated, never straight here."""
    options = options or Options()
    path = Path(path)
    name = display_name or path.name
    sha = file_sha(path, name)
    if progress:
        progress("read", 0, 0)
    sheets = read_file(path, display_name=name, limits=limits or Limits.from_env())
    if progress:  # the rows read so far, so a big file's progress says how big it is
        progress("read", sum(sheet.n for sheet in sheets), 0)
    want = KINDS[options.kind] if options.kind else None
    shaped = [shape(sheet, want) if sheet.n else None for sheet in sheets]
    # Every sheet, data or not: the file is stored whole with its upload, so a CPR number anywhere
    # in it refuses all of it, before a cell of it is parsed into a message.
    cpr = [p for sheet, s in zip(sheets, shaped, strict=True) for p in find_cpr(sheet, s)]
    if cpr:
        raise LoaderError(*cpr)
    out: list[Validated | NotData] = []
    for i, (sheet, s) in enumerate(zip(sheets, shaped, strict=True)):
        if progress:
            progress("check", i, len(sheets))
        if s is None:
            out.append(NotData(sheet.sheet, "empty" if sheet.n == 0 else "unrecognised"))
            continue
        out.append(validate(s, options.set_values, replace=options.replace))
    return Examined(name, sha, b"", out)  # the bytes are read again only where they are stored


def file_sha(path: Path, name: str) -> str:
    """The file's SHA-256, read in chunks."""
    h = hashlib.sha256()
    try:
        with Path(path).open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        raise LoaderError(Problem("file.not_found", file=name)) from None
    return h.hexdigest()


def _examine_in_child(path: str, name: str, options: Options, limits: Limits, progress: Progress) -> Examined:
    return examine(Path(path), display_name=name, options=options, limits=limits, progress=progress)


def examine_isolated(
    path: Path,
    *,
    display_name: str | None = None,
    options: Options | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> Examined:
    """examine() in a child process under the limits (loaders/isolate.py): the server lives on
    whatever the file does. A bug of ours inside the child comes back as ChildBug."""
    options = options or Options()
    limits = limits or Limits.from_env()
    path = Path(path)
    name = display_name or path.name
    file_size_ok(path, name, limits)  # before a byte is read: a file may be any size
    try:
        content = path.read_bytes()
    except OSError:
        raise LoaderError(Problem("file.not_found", file=name)) from None
    if not isolation_enabled():
        examined = examine(path, display_name=name, options=options, limits=limits, progress=progress)
    else:
        try:
            examined = run_isolated(
                _examine_in_child, (str(path), name, options, limits), limits=limits, progress=progress
            )
        except LoaderError as e:
            for p in e.problems:
                p.file = p.file or name
            raise
    examined.content = content  # the parent's bytes: never sent through the pipe
    return examined


def _unrecognised(name: str, sheet: str, kind: str | None) -> Problem:
    """Nothing in the file is data: say which sheets Overblik knows, and their required columns."""
    kinds = [KINDS[kind]] if kind else [KINDS[k] for k in LOAD_ORDER]
    # Headers as a sheet has them (labels, shown in the user's language), never our field names.
    listing = [
        [k.label, [f.label for f in k.required] or [k.field(n).label for n in k.identify]] for k in kinds
    ]
    return Problem("sheet.unknown_kind", file=name, sheet=sheet, params={"kinds": listing})


def plan_upload(con: duckdb.DuckDBPyConnection, examined: Examined, options: Options) -> FilePlan:
    """Plan every data sheet of an examined file against the store as it is now."""
    base = latest_batch(con)
    plans: list[SheetPlan] = []
    data = sorted(
        (s for s in examined.sheets if isinstance(s, Validated)), key=lambda v: LOAD_ORDER.index(v.kind.name)
    )
    names = erase.erased(con)  # None unless a person was erased: then every cell is checked
    found: dict[tuple[str, ...], str] = {}
    for seq, v in enumerate(data):
        if names is not None:
            found.update(erase.anonymise(v, names))
        p = plan_sheet(con, v, replace=options.replace, seq=seq)
        if any(e.severity == "error" for e in p.errors) and not (options.skip_invalid and p.accepted):
            p.status = "rejected"
        elif not p.accepted and not p.rows["removed"]:
            p.status = "rejected"
            if not p.errors:
                p.errors.append(Problem("sheet.no_rows", file=p.file, sheet=p.sheet, row=v.header_row))
        elif p.rows["new"] + p.rows["changed"] + p.rows["removed"] == 0:
            p.status = "duplicate"  # nothing would change now
        plans.append(p)
    for s in examined.sheets:
        if isinstance(s, NotData):
            plans.append(SheetPlan(examined.file, s.sheet, None, "not_data", reason=s.reason))
    if not data:
        # Nothing in the file is data: the file is refused, and the first sheet says why.
        for p in plans:
            p.status = "rejected"
        if not plans:
            plans.append(SheetPlan(examined.file, "", options.kind, "rejected"))
        plans[0].errors.append(_unrecognised(examined.file, plans[0].sheet, options.kind))
    fp = FilePlan(examined.file, examined.sha, examined.content, options, base, plans)
    if found:
        _anonymise_file(fp, found)
    if fp.rejected and not options.skip_invalid:
        for p in plans:
            if p.status == "planned":
                p.status = "rejected"  # a rejected file changes nothing
    return fp


def _anonymise_file(fp: FilePlan, found: dict[tuple[str, ...], str]) -> None:
    """The file is stored with the erased names its rows held replaced, as its rows are."""
    done = erase.anonymise_file(fp.content, found)
    if done is None:
        return
    content, fmt = done
    converted = erase.file_format(fp.content) != fmt
    fp.sha_received, fp.content = fp.sha, content
    fp.sha = hashlib.sha256(content).hexdigest()
    fp.stored_name = str(Path(fp.file).with_suffix(".xlsx")) if converted else fp.file
    fp.note = "Navne på slettede personer erstattet ved indlæsningen" + (
        "; konverteret fra .xls til .xlsx med de samme celleværdier" if converted else ""
    )


def known_upload(con: duckdb.DuckDBPyConnection, sha: str, name: str, options: Options) -> FilePlan | None:
    """A byte-identical re-upload with the same options, recognised before reading a cell, when
    applying it again would provably change nothing: its batches still stand and no later batch
    wrote the tables they wrote. None when the file must be read and planned."""
    rows = con.execute(
        "SELECT sheet, kind, max(batch_id) FROM batches WHERE action = 'ingest' AND sha256 = ? AND options = ? "
        "GROUP BY sheet, kind",
        [sha, json.dumps(options.as_json(), sort_keys=True, ensure_ascii=False)],
    ).fetchall()
    if not rows:
        return None
    tables = {t for _, kind, _ in rows for t in touches(kind)}
    last = max(b for _, _, b in rows)
    for _, _, b in rows:
        if not live(con, b):
            return None
    later = con.execute("SELECT DISTINCT kind FROM batches WHERE batch_id > ?", [last]).fetchall()
    if any(set(touches(k)) & tables for (k,) in later if k in KINDS):
        return None
    sheets = []
    for sheet, kind, b in rows:
        n = first_row(
            con.execute(
                "SELECT rows_new + rows_changed + rows_unchanged, rows_rejected, rows_skipped FROM batches WHERE batch_id = ?",
                [b],
            )
        )
        p = SheetPlan(name, sheet, kind, "duplicate", batch_id=b)
        p.rows.update(unchanged=int(n[0]), rejected=int(n[1]), skipped=int(n[2] or 0))
        sheets.append(p)
    return FilePlan(name, sha, b"", options, latest_batch(con), sheets)


def plan_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    display_name: str | None = None,
    options: Options | None = None,
    progress: Progress | None = None,
) -> FilePlan:
    """Examine and plan a file; a file refused whole comes back as one rejected sheet."""
    options = options or Options()
    name = display_name or Path(path).name
    content_sha = ""
    try:
        # The size first, then the hash read in chunks: nothing holds a file of any size whole.
        file_size_ok(Path(path), name, Limits.from_env())
        content_sha = file_sha(Path(path), name)
        known = known_upload(con, content_sha, name, options)
        if known is not None:
            return known
        examined = examine_isolated(path, display_name=name, options=options, progress=progress)
    except LoaderError as e:
        rejected: dict[str, SheetPlan] = {}
        for p in e.problems:
            p.file = p.file or name
            sheet = p.sheet or ""
            rejected.setdefault(sheet, SheetPlan(name, sheet, options.kind, "rejected")).errors.append(p)
        return FilePlan(name, content_sha, b"", options, latest_batch(con), list(rejected.values()))
    if progress:
        progress("plan", 0, 0)
    return plan_upload(con, examined, options)


def commit_plan(
    con: duckdb.DuckDBPyConnection,
    fp: FilePlan,
    *,
    user: str | None = None,
    progress: Progress | None = None,
    at: datetime | None = None,
) -> FilePlan:
    """Commit a plan as shown; LoaderError('plan.stale') when another batch came in since it was made."""
    if not fp.can_commit:
        return fp
    if progress:
        progress("save", 0, 0)
    commit(
        con,
        fp.sheets,
        sha=fp.sha,
        content=fp.content,
        file_name=fp.file,
        options=fp.options.as_json(),
        base=fp.base,
        user=user or current_user(),
        at=at,
        sha_received=fp.sha_received,
        stored_name=fp.stored_name,
        note=fp.note,
    )
    return fp


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    display_name: str | None = None,
    kind: str | None = None,
    set_values: dict[str, str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    replace: bool = False,
    user: str | None = None,
    progress: Progress | None = None,
) -> list[SheetPlan]:
    """Plan one file and, unless dry_run or rejected, commit it: the command line's ingest."""
    options = Options(kind, dict(set_values or {}), replace, skip_invalid)
    fp = plan_file(con, path, display_name=display_name, options=options, progress=progress)
    if not dry_run:
        commit_plan(con, fp, user=user, progress=progress)
    return fp.sheets


def summary(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The headline counts and sums; amounts as plain decimal strings so nothing is lost."""

    def one(sql: str) -> Any:
        return con.execute(sql).fetchall()[0][0]

    def amount(sql: str) -> str:
        x = one(sql)
        return format(Decimal(x if x is not None else 0).quantize(Decimal("0.01")), "f")

    people = con.execute("SELECT person, is_external FROM memberships").fetchall()
    persons = {P.normalise_name(p) for p, _ in people}
    external = {P.normalise_name(p) for p, ext in people if ext}
    return {
        "participants": len(persons),
        "external_participants": len(external),
        "organisations": int(one("SELECT count(DISTINCT organisation_canonical) FROM participants_v")),
        "networks": int(
            one(
                "SELECT count(*) FROM (SELECT network FROM networks UNION SELECT network FROM memberships "
                "UNION SELECT network FROM meetings)"
            )
        ),
        "meetings": int(one("SELECT count(*) FROM meetings")),
        "eu_projects": int(one("SELECT count(*) FROM eu_projects")),
        "eu_total_budget_dkk": amount("SELECT sum(total_budget_dkk) FROM eu_projects"),
        "eu_contribution_dkk": amount("SELECT sum(eu_contribution_dkk) FROM eu_projects"),
        "eu_region_share_dkk": amount("SELECT sum(region_share_dkk) FROM eu_projects"),
        "pools": int(one("SELECT count(DISTINCT pool) FROM pools")),
        "pool_capacity_dkk": amount("SELECT sum(capacity_dkk) FROM pools_v"),
        "allocated_dkk": amount(
            "SELECT sum(amount_dkk) FROM allocations WHERE status IN ('granted', 'paid')"
        ),
    }

"""The command line: python -m loaders ingest|summary|history|undo|redo|quarantine|templates|
export|backup|restore|rebuild|maintain|erase ...

One contract for scripts, tests and the data page. Exit codes: 0 every file loaded, was a
duplicate or was planned; 1 at least one file rejected (nothing of it written); 2 a usage error
or a store that cannot be opened; 3 an internal error (a bug: its traceback goes to stderr).
With --json, stdout is exactly one JSON document (export writes the data itself instead).
The store is --db PATH, else OVERBLIK_DB, else OVERBLIK_CATALOG, else data/overblik.sqlite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import traceback
import uuid
from pathlib import Path
from typing import Any, NoReturn

import store
from loaders.history import history, redo, undo
from loaders.ingest import ingest_file, summary
from loaders.kinds import KINDS
from loaders.parse import ParseError
from loaders.plan import SheetPlan
from loaders.problems import LoaderError, Problem
from loaders.quarantine import quarantined
from loaders.validate import parse_setting
from store import backup as backups
from translations import N_, gettext

PUBLIC_VIEWS = ("participants_v", "meetings_v", "eu_projects_v", "pools_v", "allocations_v")

# The command line's own words; messages about data come from loaders.problems.
WORDS = {
    "loaded": N_("indlæst"),
    "duplicate": N_("intet at ændre (alt findes allerede)"),
    "rejected": N_("afvist, intet skrevet"),
    "planned": N_("plan, intet skrevet (--dry-run)"),
    "held": N_("intet skrevet, fordi filen er afvist"),
    "not_data": N_("ikke data, sprunget over"),
    "batch": N_("indlæsning"),
    "counts": N_(
        "{new} nye, {changed} ændrede, {unchanged} uændrede, {removed} fjernes, {rejected} afviste, "
        "{skipped} sprunget over (af {below} rækker under overskriften)"
    ),
    "missing": N_(
        "{n} rækker i databasen mangler i arket; de beholdes (brug --replace, hvis arket er hele listen)."
    ),
    "skipped": N_("Sprunget over"),
    "title": N_("titel"),
    "total": N_("total"),
    "repeated_header": N_("gentaget overskrift"),
    "section": N_("sektion"),
    "section_effect": N_("gælder de næste {n} rækker"),
    "row": N_("række"),
    "column": N_("kolonne"),
    "error": N_("FEJL"),
    "warning": N_("Advarsel"),
    "more_errors": N_("... og {n} fejl mere (brug --json for alle)"),
    "no_batches": N_("Ingen indlæsninger endnu."),
    "undone": N_("Indlæsning {b} er fortrudt (indlæsning {new})."),
    "redone": N_("Indlæsning {b} er gendannet (indlæsning {new})."),
    "undone_by": N_("fortrudt af"),
    "usage": N_("Brug"),
    "set_form": N_("--set skal have formen FELT=VÆRDI: {pair!r}"),
    "set_unknown": N_("ukendt felt i --set: {k!r} (kendte: {known})"),
    "set_value": N_("--set {k}={v!r}: værdien kan ikke læses ({code})"),
    "internal": N_("Intern fejl i Overblik (fejl-id {id}); detaljerne står herunder."),
    "nothing_quarantined": N_("Ingen rækker er sat til side."),
    "template": N_("Skabelon"),
    "asof_form": N_("--asof skal være en dato som 2025-11-20: {v!r}"),
    "asof_early": N_("Datalageret kan vise data fra og med {first}, ikke fra {v}."),
    "asof_expired": N_(
        "Datalageret kan ikke vise {v} nøjagtigt: tilstande ældre end opbevaringsperioden gemmes kun for "
        "fastholdte datoer (bilag, gemte links)."
    ),
    "parquet_out": N_("--format parquet skal have --out FIL"),
    "written": N_("Skrevet: {f}"),
    "backed_up": N_("Sikkerhedskopi i {out} ({n} datafiler)."),
    "restored": N_("Sikkerhedskopien {b} (taget {made}) er hentet tilbage."),
    "rebuilt": N_(
        "Nyt datalager {new}: {n} indlæsninger og fortrydelser genafspillet; alle visninger er ens."
    ),
    "maintained": N_(
        "{merged} små datafiler slået sammen, {expired} gamle øjebliksbilleder udløbet, {deleted} filer slettet."
    ),
    "originals_removed": N_(
        "{n} originalfiler ældre end {days} dage er tømt (indlæsningerne og deres rækker står)."
    ),
    "erase_preview": N_(
        "'{name}' nævnes i {rows} rækker og {files} gemte originalfiler. Intet er ændret; kør igen med --yes "
        "for at slette."
    ),
    "erase_exact": N_("hele værdien"),
    "erase_text": N_("i en tekst"),
    "erase_file": N_("originalfil"),
    "erase_effect": N_(
        "Sletningen erstatter navnet med en anonym betegnelse ('Slettet deltager N') overalt, også i historikken, "
        "originalfilerne og revisionsloggen, og fjerner alle tidligere tilstande: tidsrejse til før sletningen "
        "er derefter ikke mulig."
    ),
    "erased": N_(
        "Slettet: navnet er erstattet af '{token}' i {rows} rækker og {files} originalfiler (indlæsning {batch}); "
        "tidligere tilstande og gamle datafiler er fjernet."
    ),
    "erase_wal": N_(
        "Advarsel: katalogets WAL-fil kunne ikke tømmes, fordi en anden proces læste; kør 'maintain', når den er færdig."
    ),
    "set_hint": N_("én værdi for hele arket: --set {field}=VÆRDI"),
    "stage_read": N_("læser"),
    "stage_check": N_("tjekker"),
    "stage_plan": N_("planlægger"),
    "stage_save": N_("gemmer"),
    "stage_rows": N_("{n} rækker læst"),
}


def w(key: str, lang: str, **params: Any) -> str:
    """A word of the command line in the chosen language."""
    text = gettext(WORDS[key], lang)
    return text.format(**params) if params else text


class UsageError(Exception):
    """Bad arguments: exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m loaders", description="Indlæs regneark i Overblik / load spreadsheets into Overblik."
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(sp: argparse.ArgumentParser, db: bool = True) -> None:
        if db:
            sp.add_argument(
                "--db",
                help="the store's catalog file (default: env OVERBLIK_DB, else OVERBLIK_CATALOG, "
                "else data/overblik.sqlite); its data files are in the folder <name>.lake beside it",
            )
        sp.add_argument("--json", action="store_true", help="print exactly one JSON document")
        sp.add_argument("--lang", choices=("da", "en"), default="da")

    ing = sub.add_parser("ingest", help="load files")
    ing.add_argument("paths", nargs="+", type=Path)
    ing.add_argument("--kind", choices=sorted(KINDS))
    ing.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", dest="sets")
    ing.add_argument("--dry-run", action="store_true")
    ing.add_argument("--skip-invalid", action="store_true", help="save the valid rows, set the others aside")
    ing.add_argument(
        "--replace",
        action="store_true",
        help="the sheet is the whole list for its scope: remove rows it lacks",
    )
    ing.add_argument("--user", help="who is loading (default: env OVERBLIK_USER or the login name)")
    common(ing)
    common(sub.add_parser("summary", help="headline counts"))
    common(sub.add_parser("history", help="every batch"))
    common(sub.add_parser("quarantine", help="rows set aside, with their reasons"))
    for name, what in (("undo", "undo a batch"), ("redo", "put back what an undone batch did")):
        u = sub.add_parser(name, help=what)
        u.add_argument("batch_id", type=int)
        common(u)
    ex = sub.add_parser("export", help="a public view as data (stdout unless --out)")
    ex.add_argument("view", choices=PUBLIC_VIEWS)
    ex.add_argument("--format", choices=("csv", "json", "parquet"), default="csv")
    ex.add_argument("--out", type=Path, help="file to write (parquet needs one)")
    ex.add_argument("--asof", help="the view as it stood at the end of this date (YYYY-MM-DD)")
    common(ex)
    b = sub.add_parser("backup", help="a consistent backup into a new folder, while the app runs")
    b.add_argument("out", type=Path)
    common(b)
    r = sub.add_parser("restore", help="put a backup back as the store (the old one is kept aside)")
    r.add_argument("backup", type=Path)
    r.add_argument("--replace", action="store_true", help="a store exists: move it aside and restore")
    common(r)
    rb = sub.add_parser("rebuild", help="replay the stored original files and history into a new store")
    rb.add_argument("--catalog", required=True, help="the new store's catalog file (must not exist)")
    rb.add_argument("--from", dest="source", help="the store to replay (default: --db or the configured one)")
    common(rb)
    m = sub.add_parser(
        "maintain", help="merge small data files, expire old snapshots, empty originals past their retention"
    )
    m.add_argument(
        "--keep-days", type=int, help="snapshots kept (default: env OVERBLIK_RETENTION_DAYS, else 400)"
    )
    m.add_argument(
        "--originals-days",
        type=int,
        help="original files kept (default: env OVERBLIK_ORIGINALS_DAYS, else forever)",
    )
    common(m)
    t = sub.add_parser("templates", help="write one .xlsx template per kind")
    t.add_argument("outdir", type=Path)
    common(t, db=False)
    e = sub.add_parser("erase", help="erase a person (data protection): shows what would change unless --yes")
    e.add_argument("name", nargs="+", help="the person's name as it stands in the sheets")
    e.add_argument("--yes", action="store_true", help="erase (without it: the preview, nothing changed)")
    common(e)
    return p


def _sets(pairs: list[str], kind: str | None, lang: str) -> dict[str, str]:
    """--set FIELD=VALUE pairs, each field known and each value readable as the field's cells are."""
    kinds = [KINDS[kind]] if kind else list(KINDS.values())
    fields = {f.name: f for k in kinds for f in k.fields}
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise UsageError(w("set_form", lang, pair=pair))
        k, v = (x.strip() for x in pair.split("=", 1))
        if k not in fields:
            raise UsageError(w("set_unknown", lang, k=k, known=", ".join(sorted(fields))))
        try:
            parse_setting(fields[k], v)
        except ParseError as e:
            raise UsageError(w("set_value", lang, k=k, v=v, code=e.code)) from None
        out[k] = v
    return out


def _where(d: dict[str, Any], lang: str) -> str:
    parts = []
    if d.get("row"):
        parts.append(f"{w('row', lang)} {d['row']}")
    if d.get("column"):
        parts.append(f"{w('column', lang)} '{d['column']}'")
    return ", ".join(parts)


def _human_ingest(entries: list[dict[str, Any]], lang: str, dry_run: bool = False) -> str:
    lines = []
    for e in entries:
        r = e["rows"]
        head = f"{e['file']} / {e['sheet']}" + (f" ({e['kind']})" if e["kind"] else "")
        # Planned without --dry-run: a sheet of a refused file, of which nothing was written.
        word = "held" if e["status"] == "planned" and not dry_run else e["status"]
        status = w(word, lang) if word in WORDS else word
        if e["batch_id"] is not None:
            status += f", {w('batch', lang)} {e['batch_id']}"
        if e["status"] == "not_data":
            lines.append(f"{head}: {status}.")
            continue
        lines.append(f"{head}: {status}. " + w("counts", lang, below=e["rows_below_header"], **r) + ".")
        if r["missing"]:
            lines.append("  " + w("missing", lang, n=r["missing"]))
        sections = {s["row"]: s for s in e["sections"]}
        skipped = []
        for s in e["skipped"]:
            text = (
                f"{w('row', lang)} {s['row']}"
                + (f" '{s['text']}'" if s["text"] else "")
                + f" ({w(s['reason'], lang)}"
            )
            if s["row"] in sections:
                text += ": " + w("section_effect", lang, n=sections[s["row"]]["records"])
            skipped.append(text + ")")
        if skipped:
            lines.append(f"  {w('skipped', lang)}: " + "; ".join(skipped))
        for err in e["errors"][:50]:
            where = _where(err, lang)
            lines.append(
                f"  {w('error', lang)}{' ' + where if where else ''}: {err['message']} [{err['code']}]"
            )
            if err["code"] == "sheet.missing_column" and err.get("field"):
                lines.append("    " + w("set_hint", lang, field=err["field"]))
        if len(e["errors"]) > 50:
            lines.append("  " + w("more_errors", lang, n=len(e["errors"]) - 50))
        for warn in e["warnings"][:20]:
            where = _where(warn, lang)
            lines.append(
                f"  {w('warning', lang)}{' ' + where if where else ''}: {warn['message']} [{warn['code']}]"
            )
    return "\n".join(lines)


READ_ONLY = {"summary", "history", "quarantine", "export"}


def _open(args: argparse.Namespace, read_only: bool | None = None) -> Any:
    try:
        return store.connect(args.db, read_only=args.command in READ_ONLY if read_only is None else read_only)
    except store.LegacyStore as e:
        raise LoaderError(Problem("db.legacy", params={"file": e.where})) from None
    except store.StoreDamaged as e:
        raise LoaderError(Problem("db.damaged", params={"file": e.where, "detail": e.detail})) from None


def _progress(lang: str) -> Any:
    """A one-line progress report on stderr for a person at a terminal (not with --json)."""

    def report(stage: str, done: int, total: int) -> None:
        if stage == "read" and done:  # reading is done: how many rows it found
            text = w("stage_rows", lang).format(n=done)
        else:
            text = w(f"stage_{stage}", lang) + (f" {done}/{total}" if total else "") + "..."
        sys.stderr.write("\r" + text.ljust(40))
        sys.stderr.flush()

    return report


class _Partial(Exception):
    """An internal error after some files were committed: the JSON still lists those."""

    def __init__(self, entries: list[dict[str, Any]], exc: BaseException) -> None:
        super().__init__(str(exc))
        self.entries, self.exc = entries, exc


def _audit(con: Any | None, args: argparse.Namespace, action: str, detail: str) -> None:
    """One entry in the audit log for an action done from the command line (con: an open writable
    connection to use, else the store is opened for the entry alone)."""
    from loaders.history import current_user
    from store import audit

    user = getattr(args, "user", None) or current_user()
    if con is not None:
        audit.record(con, user=user, role=None, action=action, page="cli", detail=detail)
        return
    with contextlib.closing(_open(args, read_only=False)) as own:
        audit.record(own, user=user, role=None, action=action, page="cli", detail=detail)


def _ingest(con: Any, args: argparse.Namespace, lang: str) -> tuple[int, Any, str]:
    sets = _sets(args.sets, args.kind, lang)
    entries: list[dict[str, Any]] = []
    code = 0
    progress = _progress(lang) if sys.stderr.isatty() and not args.json else None
    for path in args.paths:
        try:
            results: list[SheetPlan] = ingest_file(
                con, path, kind=args.kind, set_values=sets, dry_run=args.dry_run,
                skip_invalid=args.skip_invalid, replace=args.replace, user=args.user, progress=progress,
            )  # fmt: skip
        except LoaderError:
            raise
        except Exception as exc:  # a bug: report it after the files that did load
            raise _Partial(entries, exc) from exc
        finally:
            if progress:
                sys.stderr.write("\r" + " " * 40 + "\r")
        if any(r.status == "rejected" for r in results):
            code = 1
        loaded = [r.batch_id for r in results if r.status == "loaded" and r.batch_id is not None]
        if loaded and not args.dry_run:
            _audit(con, args, "upload", f"{Path(path).name}: batch {', '.join(map(str, loaded))}")
        entries.extend(r.as_dict(lang) for r in results)
    return code, {"files": entries}, _human_ingest(entries, lang, args.dry_run)


def run(argv: list[str]) -> tuple[int, Any, str]:
    """Run a command; return (exit code, JSON document, human text). Our own errors become exit 3."""
    lang = (
        "en"
        if "--lang" in argv and argv[argv.index("--lang") + 1 : argv.index("--lang") + 2] == ["en"]
        else "da"
    )
    try:
        args = _parser().parse_args(argv)
        lang = args.lang
        if args.command == "templates":
            from loaders.templates import write_templates

            paths = write_templates(args.outdir, lang=lang)
            doc = {"templates": [str(p) for p in paths]}
            return 0, doc, "\n".join(f"{w('template', lang)}: {p}" for p in paths)
        if args.command in OPERATIONS:
            return OPERATIONS[args.command](args, lang)
        if args.command == "export":
            done = _export(args, lang)
            if args.asof:  # the state it exported is kept by maintenance: a script may export it again
                from store import maintain

                with contextlib.closing(_open(args, read_only=False)) as own:
                    maintain.pin(own, _asof(args.asof, lang), "export --asof")
            _audit(
                None,
                args,
                "export",
                f"{args.view} as {args.format}" + (f" asof {args.asof}" if args.asof else ""),
            )
            return done
        con = _open(args)
        try:
            if args.command == "ingest":
                return _ingest(con, args, lang)
            if args.command == "summary":
                s = summary(con)
                return 0, s, "\n".join(f"{k}: {v}" for k, v in s.items())
            if args.command == "history":
                h = history(con)
                text = "\n".join(
                    f"{b['batch_id']:>4} {b['uploaded_at']} {b['action']:<6} {b['file_name']} / {b['sheet']} ({b['kind']}) "
                    f"+{b['rows_new']} ~{b['rows_changed']} -{b['rows_removed'] or 0} !{b['rows_rejected']}"
                    + (f" {w('undone_by', lang)} {b['undone_by']}" if b["undone_by"] else "")
                    for b in h
                )
                return 0, {"batches": h}, text or w("no_batches", lang)
            if args.command == "quarantine":
                rows = quarantined(con, lang)
                text = "\n".join(
                    f"{q['file']} / {q['sheet']}, {w('row', lang)} {q['row']}"
                    + (f", {w('column', lang)} '{q['column']}'" if q["column"] else "")
                    + f": {q['message']} ({w('batch', lang)} {q['batch_id']})"
                    for q in rows
                )
                return 0, {"quarantine": rows}, text or w("nothing_quarantined", lang)
            if args.command in ("undo", "redo"):
                new = (undo if args.command == "undo" else redo)(con, args.batch_id)
                _audit(con, args, args.command, f"batch {args.batch_id}")
                key = "undone" if args.command == "undo" else "redone"
                return 0, {key: args.batch_id, "batch_id": new}, w(key, lang, b=args.batch_id, new=new)
        finally:
            con.close()
        raise UsageError(args.command)
    except UsageError as e:
        return 2, {"error": {"code": "usage", "message": str(e)}}, f"{w('usage', lang)}: {e}"
    except LoaderError as e:
        p = e.problem
        code = 2 if p.code.startswith("db.") else 1
        return code, {"error": {"code": p.code, "message": p.message(lang)}}, p.message(lang)
    except _Partial as e:
        if store.is_damage(e.exc):
            return _damaged(e.exc, argv, lang, {"files": e.entries})
        return _internal(e.exc, lang, {"files": e.entries})
    except Exception as e:  # our own bug: never disguised as bad input
        if store.is_damage(e):  # a data file or the catalog gone or bad while we read: not a bug
            return _damaged(e, argv, lang, {})
        return _internal(e, lang, {})


def _damaged(exc: BaseException, argv: list[str], lang: str, doc: dict[str, Any]) -> tuple[int, Any, str]:
    """The damaged-store message (exit 2): what is damaged, and restore or rebuild; no traceback."""
    if isinstance(exc, store.StoreDamaged):
        where, detail = exc.where, exc.detail
    else:
        db = argv[argv.index("--db") + 1] if "--db" in argv[:-1] else None
        loc = store.location(db)
        where = str(loc.sqlite_file or loc.data_path)
        detail = str(exc).strip().splitlines()[0][:300]
    p = Problem("db.damaged", params={"file": where, "detail": detail})
    doc["error"] = {"code": p.code, "message": p.message(lang)}
    return 2, doc, p.message(lang)


def _asof(text: str | None, lang: str) -> Any:
    """--asof DATE: the end of that day in Danish time."""
    if not text:
        return None
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(w("asof_form", lang, v=text)) from None
    return datetime.combine(day, time.max, tzinfo=ZoneInfo("Europe/Copenhagen"))


def _export(args: argparse.Namespace, lang: str) -> tuple[int, Any, str]:
    """A public view as data: CSV as the dashboard's downloads (Danish Excel), JSON as a list of
    objects with amounts as strings (exact), Parquet typed."""
    if args.format == "parquet" and not args.out:
        raise UsageError(w("parquet_out", lang))
    when = _asof(args.asof, lang)
    con = _open(args)
    try:
        if when is not None:
            first = store.first_snapshot_time(con)
            if first is not None and when < first:
                raise UsageError(w("asof_early", lang, v=args.asof, first=first.date().isoformat()))
            if not store.readable_at(con, when):
                raise UsageError(w("asof_expired", lang, v=args.asof))
            store.attach(con, store.location(args.db), "past", snapshot_time=when)
            con.execute("USE past")
        cur = con.execute(f"SELECT * FROM {args.view}")  # noqa: S608 - a name from PUBLIC_VIEWS only
        if args.format == "parquet":
            import pyarrow.parquet as pq

            pq.write_table(cur.fetch_arrow_table(), args.out)
            return 0, {"written": str(args.out)}, w("written", lang, f=args.out)
        import pandas as pd

        # Python values, not .df(): DECIMAL stays Decimal (a DataFrame would make amounts floats).
        df = pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description], dtype=object)
    finally:
        con.close()
    if args.format == "csv":
        from dashboard.export import to_csv

        data = to_csv(df)
    else:
        data = (json.dumps(_records(df), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if args.out:
        args.out.write_bytes(data)
        return 0, {"written": str(args.out)}, w("written", lang, f=args.out)
    return 0, _RAW(data), ""


class _RAW(bytes):
    """Output written to stdout as it is (an export without --out)."""


def _records(df: Any) -> list[dict[str, Any]]:
    import datetime as dt
    from decimal import Decimal

    import pandas as pd

    def value(v: Any) -> Any:
        if v is None or v is pd.NaT or (isinstance(v, float) and v != v) or v is pd.NA:
            return None
        if isinstance(v, Decimal):
            return format(v, "f")  # exact: 1650000.50, never a float
        if isinstance(v, (pd.Timestamp, dt.datetime)):
            return v.isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        if hasattr(v, "item"):
            return v.item()
        return v

    cols = list(df.columns)
    return [dict(zip(cols, (value(v) for v in row), strict=True)) for row in df.itertuples(index=False)]


def _backup(args: argparse.Namespace, lang: str) -> tuple[int, Any, str]:
    try:
        m = backups.backup(args.out, args.db)
    except backups.BackupError as e:
        raise UsageError(str(e)) from None
    _audit(None, args, "backup", f"{args.out}: {len(m['files'])} files")
    return (
        0,
        {"backup": str(args.out), "files": len(m["files"]), "snapshot": m["snapshot"]},
        w("backed_up", lang, out=args.out, n=len(m["files"])),
    )


def _restore(args: argparse.Namespace, lang: str) -> tuple[int, Any, str]:
    try:
        m = backups.restore(args.backup, args.db, replace=args.replace)
    except backups.BackupError as e:
        raise UsageError(str(e)) from None
    con = _open(args, read_only=False)  # opens, and proves the restored store reads
    try:
        s = summary(con)
        _audit(con, args, "restore", f"{args.backup} (made {m['made']})")
    finally:
        con.close()
    return (
        0,
        {"restored": str(args.backup), "made": m["made"], "summary": s},
        w("restored", lang, b=args.backup, made=m["made"]),
    )


def _rebuild(args: argparse.Namespace, lang: str) -> tuple[int, Any, str]:
    from store import rebuild

    try:
        report = rebuild.rebuild(args.source or args.db, args.catalog)
    except rebuild.RebuildError as e:
        raise UsageError(str(e)) from None
    _audit(None, args, "rebuild", f"{args.catalog}: {report['replayed']} steps replayed")
    return 0, report, w("rebuilt", lang, new=args.catalog, n=report["replayed"])


def _maintain(args: argparse.Namespace, lang: str) -> tuple[int, Any, str]:
    from store import maintain

    con = _open(args)
    try:
        try:
            report = maintain.maintain(con, keep_days=args.keep_days, originals=args.originals_days)
        except ValueError as e:  # OVERBLIK_ORIGINALS_DAYS that is not a number
            raise UsageError(str(e)) from None
        _audit(con, args, "maintain", json.dumps(report, sort_keys=True, default=str))
    finally:
        con.close()
    text = w("maintained", lang, **report)
    if report["originals_days"] is not None:
        text += "\n" + w(
            "originals_removed", lang, n=report["originals_removed"], days=report["originals_days"]
        )
    return 0, report, text


def _erase(args: argparse.Namespace, lang: str) -> tuple[int, Any, str]:
    """Without --yes the preview (the store opened read-only); with it the erasure. Exit 2 when
    nothing names the person."""
    from loaders import erase as erasure
    from loaders.history import current_user

    name = " ".join(args.name)
    con = _open(args, read_only=not args.yes)
    try:
        if not args.yes:
            p = erasure.preview(con, name)
            if not p["total"] and not p["files"]:
                raise LoaderError(Problem("erase.not_found", params={"name": p["name"]}))
            return (
                0,
                {"erased": False, **{k: v for k, v in p.items() if k != "table"}},
                _human_preview(p, lang),
            )
        r = erasure.erase(con, name, user=current_user(), role=None, page="cli")
    except LoaderError as e:
        if not e.problem.code.startswith("erase."):
            raise
        text = e.problem.message(lang)
        return 2, {"error": {"code": e.problem.code, "message": text}}, text
    finally:
        con.close()
    text = w("erased", lang, token=r["token"], rows=r["rows"], files=len(r["files"]), batch=r["batch_id"])
    if r["purge"].get("wal_truncated") is False:
        text += "\n" + w("erase_wal", lang)
    return 0, {"erased": True, **r}, text


def _human_preview(p: dict[str, Any], lang: str) -> str:
    lines = [w("erase_preview", lang, name=p["name"], rows=p["total"], files=len(p["files"]))]
    for c in p["columns"]:
        counts = [f"{c[k]} {w('erase_' + k, lang)}" for k in ("exact", "text") if c[k]]
        lines.append(f"  {c['table']}.{c['column']}: " + ", ".join(counts))
    for f in p["files"]:
        lines.append(
            f"  {w('erase_file', lang)}: {f['file_name']} ({w('batch', lang)} {', '.join(map(str, f['batches']))})"
        )
    lines.append(w("erase_effect", lang))
    return "\n".join(lines)


OPERATIONS = {
    "backup": _backup,
    "restore": _restore,
    "rebuild": _rebuild,
    "maintain": _maintain,
    "erase": _erase,
}


def _internal(exc: BaseException, lang: str, doc: dict[str, Any]) -> tuple[int, Any, str]:
    error_id = uuid.uuid4().hex[:8]
    trace = "".join(traceback.format_exception(exc))
    sys.stderr.write(f"[{error_id}] {trace}")
    doc["error"] = {"code": "internal", "id": error_id, "message": w("internal", lang, id=error_id)}
    return 3, doc, w("internal", lang, id=error_id)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    argv = list(sys.argv[1:] if argv is None else argv)
    code, doc, text = run(argv)
    if isinstance(doc, _RAW):
        sys.stdout.buffer.write(doc)
        sys.stdout.flush()
    elif "--json" in argv:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
    else:
        stream = sys.stderr if code in (2, 3) else sys.stdout
        stream.write(text + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())

"""The command line: python -m loaders ingest|summary|history|undo|templates ...

One contract for scripts, tests and the data page. Exit codes: 0 every file loaded, was a
duplicate or was planned; 1 at least one file rejected (nothing of it written); 2 a usage
error or a database that cannot be opened. With --json, stdout is exactly one JSON document.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import store
from loaders.history import history, redo, undo
from loaders.ingest import ingest_file, summary
from loaders.kinds import KINDS
from loaders.problems import MESSAGES, LoaderError, Problem

RESERVED = {"backup", "rebuild", "erase"}
STATUS_DA = {
    "loaded": "indlæst",
    "duplicate": "dublet, intet ændret",
    "rejected": "afvist, intet skrevet",
    "planned": "plan, intet skrevet (--dry-run)",
    "skipped": "sprunget over",
}


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
                "--db", help="database file (default: env OVERBLIK_DB, else data/overblik.duckdb)"
            )
        sp.add_argument("--json", action="store_true", help="print exactly one JSON document")
        sp.add_argument("--lang", choices=("da", "en"), default="da")

    ing = sub.add_parser("ingest", help="load files")
    ing.add_argument("paths", nargs="+", type=Path)
    ing.add_argument("--kind", choices=sorted(KINDS))
    ing.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", dest="sets")
    ing.add_argument("--dry-run", action="store_true")
    ing.add_argument("--skip-invalid", action="store_true")
    ing.add_argument("--user", help="who is loading (default: env OVERBLIK_USER or the login name)")
    common(ing)
    common(sub.add_parser("summary", help="headline counts"))
    common(sub.add_parser("history", help="every batch"))
    u = sub.add_parser("undo", help="undo a batch")
    u.add_argument("batch_id", type=int)
    common(u)
    r = sub.add_parser("redo", help="put back what an undone batch did")
    r.add_argument("batch_id", type=int)
    common(r)
    t = sub.add_parser("templates", help="write one .xlsx template per kind")
    t.add_argument("outdir", type=Path)
    common(t, db=False)
    for name in sorted(RESERVED):
        r = sub.add_parser(name, help="(later)")
        r.add_argument("args", nargs="*")
        common(r)
    return p


def _sets(pairs: list[str], kind: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    allowed = {f.name for k in KINDS.values() for f in k.fields} | {"fx_rate"}
    if kind:
        allowed = {f.name for f in KINDS[kind].fields} | {"fx_rate"}
    for pair in pairs:
        if "=" not in pair:
            raise UsageError(f"--set skal have formen FELT=VÆRDI: {pair!r}")
        k, v = pair.split("=", 1)
        k = k.strip()
        if k not in allowed:
            raise UsageError(f"ukendt felt i --set: {k!r} (kendte: {', '.join(sorted(allowed))})")
        out[k] = v.strip()
    return out


def _human_ingest(entries: list[dict[str, Any]]) -> str:
    lines = []
    for e in entries:
        r = e["rows"]
        head = f"{e['file']} / {e['sheet']}" + (f" ({e['kind']})" if e["kind"] else "")
        status = STATUS_DA.get(e["status"], e["status"])
        if e["batch_id"] is not None:
            status += f", indlæsning {e['batch_id']}"
        lines.append(
            f"{head}: {status}. {r['new']} nye, {r['changed']} ændrede, {r['unchanged']} uændrede, "
            f"{r['missing']} mangler i arket, {r['rejected']} afviste rækker."
        )
        for err in e["errors"][:50]:
            where = ", ".join(
                x
                for x in (
                    f"række {err['row']}" if err["row"] else "",
                    f"kolonne '{err['column']}'" if err["column"] else "",
                )
                if x
            )
            lines.append(
                f"  FEJL {where}: {err['message']} [{err['code']}]"
                if where
                else f"  FEJL: {err['message']} [{err['code']}]"
            )
        if len(e["errors"]) > 50:
            lines.append(f"  ... og {len(e['errors']) - 50} fejl mere (brug --json for alle)")
        for w in e["warnings"][:20]:
            where = f" række {w['row']}" if w["row"] else ""
            lines.append(f"  Advarsel{where}: {w['message']} [{w['code']}]")
    return "\n".join(lines)


def _open(args: argparse.Namespace) -> Any:
    try:
        return store.connect(args.db)
    except store.DatabaseBusy as e:
        raise LoaderError(Problem("db.busy", file=str(e.path))) from None


def run(argv: list[str]) -> tuple[int, Any, str]:
    """Run a command; return (exit code, JSON document, human text). Never raises."""
    as_json = "--json" in argv
    lang = (
        "en"
        if "--lang" in argv and argv[argv.index("--lang") + 1 : argv.index("--lang") + 2] == ["en"]
        else "da"
    )
    try:
        args = _parser().parse_args(argv)
        lang = args.lang
        if args.command in RESERVED:
            raise UsageError(f"'{args.command}' kommer senere / comes later")
        if args.command == "templates":
            from loaders.templates import write_templates

            paths = write_templates(args.outdir, lang=lang)
            doc = {"templates": [str(p) for p in paths]}
            return 0, doc, "\n".join(f"Skabelon: {p}" for p in paths)
        con = _open(args)
        try:
            if args.command == "ingest":
                sets = _sets(args.sets, args.kind)
                entries: list[dict[str, Any]] = []
                code = 0
                for path in args.paths:
                    results = ingest_file(
                        con, path, kind=args.kind, set_values=sets, dry_run=args.dry_run,
                        skip_invalid=args.skip_invalid, user=args.user,
                    )  # fmt: skip
                    if any(r.status == "rejected" for r in results):
                        code = 1
                    entries.extend(r.as_dict(lang) for r in results)
                return code, {"files": entries}, _human_ingest(entries)
            if args.command == "summary":
                s = summary(con)
                return 0, s, "\n".join(f"{k}: {v}" for k, v in s.items())
            if args.command == "history":
                h = history(con)
                text = "\n".join(
                    f"{b['batch_id']:>4} {b['uploaded_at']} {b['action']:<6} {b['file_name']} / {b['sheet']} ({b['kind']}) "
                    f"+{b['rows_new']} ~{b['rows_changed']} !{b['rows_rejected']}"
                    + (f" fortrudt af {b['undone_by']}" if b["undone_by"] else "")
                    for b in h
                )
                return 0, {"batches": h}, text or "Ingen indlæsninger endnu."
            if args.command == "undo":
                new = undo(con, args.batch_id)
                return (
                    0,
                    {"undone": args.batch_id, "batch_id": new},
                    f"Indlæsning {args.batch_id} er fortrudt (indlæsning {new}).",
                )
            if args.command == "redo":
                new = redo(con, args.batch_id)
                return (
                    0,
                    {"redone": args.batch_id, "batch_id": new},
                    f"Indlæsning {args.batch_id} er gendannet (indlæsning {new}).",
                )
        finally:
            con.close()
        raise UsageError(args.command)
    except UsageError as e:
        return 2, {"error": {"code": "usage", "message": str(e)}}, f"Brug: {e}"
    except LoaderError as e:
        p = e.problem
        code = 2 if p.code in ("db.busy",) else 1
        return code, {"error": {"code": p.code, "message": p.message(lang)}}, p.message(lang)
    except Exception as e:  # the edge: no stack trace reaches a user
        msg = MESSAGES["file.unreadable"][1 if lang == "en" else 0].format(detail=type(e).__name__)
        return 2, {"error": {"code": "internal", "message": f"{msg} ({e})"}}, f"Uventet fejl: {e}"
    finally:
        _ = as_json


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    argv = list(sys.argv[1:] if argv is None else argv)
    code, doc, text = run(argv)
    if "--json" in argv:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
    else:
        stream = sys.stderr if code == 2 else sys.stdout
        stream.write(text + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())

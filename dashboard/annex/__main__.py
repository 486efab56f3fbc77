"""python -m dashboard.annex --region "Region Syddanmark" --from 2024 --to 2028 --out annex.pdf

The committee annex from the command line (for scheduled use): the same filters as the URL, the
output's extension picks .pdf, .html or .xlsx. Exit codes: 0 written; 2 a usage error (a bad
argument, an unknown filter value, no store), said in one line, never a traceback.
The store is --db PATH, else OVERBLIK_DB (as for python -m loaders).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path


def _year(text: str) -> int:
    try:
        y = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}") from None
    if not 1900 <= y <= 2200:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}")
    return y


def parser() -> argparse.ArgumentParser:
    from dashboard.access import ROLES

    p = argparse.ArgumentParser(
        prog="python -m dashboard.annex", description="The committee annex for the given filters."
    )
    p.add_argument("--out", required=True, type=Path, help="the file to write: .pdf, .html or .xlsx")
    for name in ("region", "network", "programme", "pool", "organisation"):
        p.add_argument(f"--{name}", action="append", default=[], help="repeat for several")
    p.add_argument("--from", dest="year_from", type=_year, help="first year")
    p.add_argument("--to", dest="year_to", type=_year, help="last year")
    p.add_argument("--role", default="leader", choices=ROLES, help="whose eyes (viewer: no names)")
    p.add_argument("--lang", default="da", choices=("da", "en"))
    p.add_argument("--db", help="the store (default: OVERBLIK_DB)")
    p.add_argument("--no-keep", action="store_true", help="do not record the annex in the store")
    return p


def main(argv: list[str] | None = None) -> int:
    # The queries' caches would say, line by line, that they run without a Streamlit server.
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    p = parser()
    args = p.parse_args(argv)  # exits 2 with a message on a bad argument
    kind = args.out.suffix.lower().lstrip(".")
    if kind not in ("pdf", "html", "xlsx"):
        p.error(f"argument --out: the file must end in .pdf, .html or .xlsx, not {args.out.name!r}")
    if args.year_from and args.year_to and args.year_from > args.year_to:
        p.error(f"argument --from: {args.year_from} is after --to {args.year_to}")
    if args.db:
        os.environ["OVERBLIK_DB"] = args.db
    target = os.environ.get("OVERBLIK_DB") or os.environ.get("OVERBLIK_CATALOG")
    if target and not target.startswith("postgres:") and not Path(target).exists():
        p.error(f"argument --db: no store at {target}")

    import store
    from dashboard import annex, queries
    from dashboard.queries import Filters
    from loaders.history import current_user

    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)

    try:
        options = queries.filter_options(Filters())
    except store.StoreDamaged as e:
        p.error(f"argument --db: the store cannot be opened ({e})")
    for name in ("region", "network", "programme", "pool", "organisation"):
        unknown = sorted(set(getattr(args, name)) - set(options[name]))
        if unknown:
            p.error(f"argument --{name}: not in the data: {', '.join(unknown)}")
    f = Filters(
        region=tuple(args.region), network=tuple(args.network), year_from=args.year_from,
        year_to=args.year_to, programme=tuple(args.programme), pool=tuple(args.pool),
        organisation=tuple(args.organisation),
    )  # fmt: skip
    data, a = annex.make(
        f, kind, args.role, args.lang, made_by=current_user(), keep=not args.no_keep, page="cli"
    )
    args.out.write_bytes(data)
    print(f"{args.out} ({len(data):,} bytes): {a.filters_text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

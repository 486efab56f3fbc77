"""Changes staff make on the data page without a sheet of their own: a network's end date, and the
organisation list (merge a name into an organisation, keep it apart, split an alias off, rename an
organisation). Each is written as the small sheet staff would have uploaded and goes through the
same loader path, so it is a batch of its own: in the history, traced to its rows, and undone like
any upload. A rename is the one change no sheet can say: loaders.rename makes its batch."""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass
from typing import Any

import duckdb
from openpyxl import Workbook

from dashboard import upload
from dashboard.i18n import t
from loaders.ingest import Options
from loaders.kinds import KINDS
from loaders.parse import normalise_name
from loaders.rename import moved_names, rename_organisation

SIMILAR = 0.8  # as close as the loader's own warning about a similar organisation


@dataclass(frozen=True)
class Done:
    """What a change did: ok, the message in the page's language, the batches it made."""

    ok: bool
    message: str
    batches: tuple[int, ...] = ()


def sheet(kind: str, fields: list[str], rows: list[list[Any]], lang: str = "da") -> bytes:
    """The rows as the kind's sheet: its own headers, as a template has them."""
    k = KINDS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = k.label_in(lang)[:31]
    ws.append([k.field(f).label for f in fields])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def save_rows(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    fields: list[str],
    rows: list[list[Any]],
    *,
    name: str,
    user: str,
    lang: str,
    replace: bool = False,
) -> Done:
    """Plan and commit the rows as an upload of `name`; refused (nothing written) as any upload is."""
    fp = upload.plan_upload(con, name, sheet(kind, fields, rows), Options(kind=kind, replace=replace))
    if not fp.can_commit:
        errors = [e.message(lang) for p in fp.sheets for e in p.errors]
        return Done(False, " ".join(errors) or upload.sheet_line(fp.sheets[0], lang))
    problem = upload.save(con, fp, user)
    if problem is not None:
        return Done(False, problem.message(lang))
    loaded = [p for p in fp.sheets if p.status == "loaded"]
    return Done(True, " · ".join(upload.receipt(p, lang) for p in loaded), tuple(p.batch_id for p in loaded))


def suggestions(names: list[tuple[str, int]], canonical: list[str]) -> list[tuple[str, str, int]]:
    """(name as written, the organisation it looks like, how often it is used) for every written name
    that is no organisation of the list yet and is close to one (as the loader's warning finds)."""
    known = {normalise_name(c): c for c in canonical}
    out = []
    for name, uses in names:
        n = normalise_name(name)
        if not n or n in known:
            continue
        close = difflib.get_close_matches(n, list(known), n=1, cutoff=SIMILAR)
        if not close:
            close = [k for k in known if len(k) >= 8 and (k in n or n in k)][:1]
        if close:
            out.append((name, known[close[0]], uses))
    return sorted(out, key=lambda x: (-x[2], x[0]))


def rename(con: duckdb.DuckDBPyConnection, old: str, new: str, *, user: str, lang: str) -> Done:
    """Rename an organisation (loaders.rename): every name written for `old` now means `new`; one
    batch, undone like any upload and replayed by a rebuild."""
    old, new = old.strip(), new.strip()
    if not old or not new or old == new:
        return Done(False, t("Skriv det nye navn på organisationen.", lang))
    wanted = moved_names(con, old, new)
    content = sheet("org_aliases", ["alias", "canonical", "sector"], [[a, new, None] for a in wanted], lang)
    batch = rename_organisation(
        con, old, new, user=user, content=content,
        file_name=t("omdøb {old}", lang).format(old=old) + ".xlsx", sheet=KINDS["org_aliases"].label_in(lang),
    )  # fmt: skip
    if batch is None:
        return Done(False, t("'{old}' er ikke en organisation på listen.", lang).format(old=old))
    return Done(
        True,
        t("'{old}' hedder nu '{new}' ({n} navne flyttet, indlæsning {batch}).", lang).format(
            old=old, new=new, n=len(wanted), batch=batch
        ),
        (batch,),
    )

"""Erasure of a person under the data protection rules (GDPR article 17), and the hook that keeps
an erased name out of later uploads.

preview(con, name)   every row, log entry and stored original file that names the person (writes nothing)
erase(con, name, ..) replace the name by an anonymous token ("Slettet deltager 3") everywhere the
                     preview found it, in one transaction, then make sure no file of the store
                     holds it any more: old snapshots expired, data files rewritten, the catalog
                     vacuumed. Time travel to before the erasure ends there (docs/deploy.md).
anonymise(v, erased) the hook plan_upload runs on every sheet: a cell naming an erased person is
                     stored as that person's token, with a warning on the row.

How a name is found: its words (case does not matter) in order, separated by spaces, hyphens,
dots or apostrophes, and not part of a longer word: "freddy  LIPPERT" and "Freddy-Lippert" are
found in "Oplæg ved Freddy Lippert (formand)"; "Freddy Lippertsen" is not. A value that is the
name and nothing else is an exact match; the name inside a longer text is a text match. Either
way the words become the token (a whole value becomes the token). Variants the rule cannot see
(initials, the surname first, misspellings) are not found: the preview shows what will change.

What is kept of an erased person: a keyed hash (HMAC-SHA256 of the normalised name, with a key
random per store) and the token, in `erased_names`; never the name.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import re
import sqlite3
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

import store
from loaders import parse as P
from loaders.problems import LoaderError, Problem
from store import audit, summary
from store.tables import TABLES

if TYPE_CHECKING:
    from loaders.validate import Validated

TOKEN = "Slettet deltager {n}"
KIND = "erasure"  # the kind of an erasure's batch (its action is 'erase')
WINDOWS = (5, 4, 3, 2)  # words in a row of a free text checked against the erased names, longest first

# Between the words of a name: white space, hyphens, dots, apostrophes ("Anne-Marie", "O'Brien").
_SEP = r"[\s.'’\-‐‑–]+"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Every text column that can hold a name: each data table's VARCHAR columns and its history twin,
# and the bookkeeping tables' texts (never their hashes, kinds or codes).
SCANNED: dict[str, tuple[str, ...]] = {
    **{
        f"{t.name}{suffix}": tuple(c for c, ty in t.columns if ty == "VARCHAR")
        for t in TABLES.values()
        for suffix in ("", "_history")
    },
    "quarantine": ("sheet", "col", "field", "value", "message", "params", "key_text"),
    "batches": ("file_name", "sheet", "uploaded_by", "options"),
    "files": ("file_name", "note"),
    "audit_log": ("user_name", "role", "page", "detail"),
    "snapshot_pins": ("reason",),
    "annexes": ("made_by", "filters_text", "file_name"),
}


# ---------------------------------------------------------------- finding a name


@dataclass(frozen=True)
class Target:
    """A name as it is searched for: its words, the pattern that finds them, and the token."""

    words: tuple[str, ...]
    token: str = ""

    @property
    def pattern(self) -> re.Pattern[str]:
        return _pattern(self.words)

    def sub(self, text: str) -> str:
        """text with every occurrence of the name replaced by the token."""
        return self.pattern.sub(self.token, text)


_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    p = _PATTERNS.get(words)
    if p is None:
        p = _PATTERNS[words] = re.compile(
            r"(?<!\w)" + _SEP.join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE
        )
    return p


def target(name: str, token: str = "") -> Target:
    """The name to search for; LoaderError('erase.name') for one without two letters."""
    words = tuple(re.findall(r"\w+", (P.clean_text(name) or "").lower()))
    if sum(len(w) for w in words) < 2:
        raise LoaderError(Problem("erase.name"))
    return Target(words, token)


def _sub_all(text: str, subs: Iterable[Target]) -> str:
    for t in subs:
        text = t.sub(text)
    return text


def _found(text: str, subs: Iterable[Target]) -> bool:
    return any(t.pattern.search(text) for t in subs)


# ---------------------------------------------------------------- the keyed hash


def _key(con: duckdb.DuckDBPyConnection, *, create: bool = False) -> bytes | None:
    row = store.first_row(con.execute("SELECT min(value) FROM store_settings WHERE key = 'erasure_key'"))
    value = row[0] if row else None
    if value is None:
        if not create:
            return None
        import secrets

        value = secrets.token_hex(32)
        con.execute("INSERT INTO store_settings VALUES ('erasure_key', ?)", [value])
    try:
        return bytes.fromhex(value)
    except ValueError:
        return value.encode("utf-8")


def name_hash(key: bytes, name: str) -> str:
    """The keyed hash of a name as erased_names holds it (of its normalised form)."""
    return hmac.new(key, P.normalise_name(name).encode("utf-8"), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- stored original files


def file_format(content: bytes) -> str:
    """'xlsx' (a zip: .xlsx, .xlsm), 'xls' (an OLE compound file) or 'csv', by the bytes."""
    if content.startswith(ZIP_MAGIC):
        return "xlsx"
    if content.startswith(OLE_MAGIC):
        return "xls"
    return "csv"


def _decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding, exactly as loaders.read picks it."""
    from loaders.read import encoding_of

    for candidate in dict.fromkeys([encoding_of(data[: 1 << 20]), "cp1252", "latin-1"]):
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"  # latin-1 decodes every byte: never reached


_XML_PARTS = (".xml", ".rels", ".vml")


def _xml_parts(content: bytes) -> Iterable[tuple[zipfile.ZipInfo, str]]:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for info in zf.infolist():
            if info.filename.lower().endswith(_XML_PARTS):
                try:
                    yield info, zf.read(info).decode("utf-8")
                except UnicodeDecodeError:
                    continue


def _xls_texts(content: bytes) -> Iterable[str]:
    """Every text of an .xls: sheet names and text cells (python-calamine), and the raw bytes read
    as Latin-1 and as UTF-16 (a name in the document's properties)."""
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(content))
    try:
        for name in wb.sheet_names:
            yield name
            for row in wb.get_sheet_by_name(name).to_python():
                for v in row:
                    if isinstance(v, str) and v:
                        yield v
    finally:
        wb.close()
    yield content.decode("latin-1")
    yield content.decode("utf-16-le", errors="ignore")
    yield content[1:].decode("utf-16-le", errors="ignore")


def file_names(content: bytes, subs: Iterable[Target]) -> bool:
    """Whether a stored original file holds any of the names (in any cell, sheet name or XML part)."""
    subs = list(subs)
    fmt = file_format(content)
    if fmt == "csv":
        return _found(_decode_csv(content)[0], subs)
    if fmt == "xls":
        return any(_found(t, subs) for t in _xls_texts(content))
    try:
        for _, text in _xml_parts(content):
            if _found(_unescape(_TAG.sub(" ", text)), subs) or _found(_joined_blocks(text), subs):
                return True
    except zipfile.BadZipFile:
        return _found(content.decode("latin-1"), subs)
    return False


def rewrite_file(content: bytes, subs: Iterable[Target]) -> tuple[bytes, str] | None:
    """The file with every name replaced by its token, and its format ('xlsx' also for a
    converted .xls); None when it holds none of the names. An .xlsx keeps every part it had,
    changed only in the texts that held a name; a CSV keeps its encoding; an .xls, which cannot
    be rewritten in place, becomes an .xlsx with the same cell values in the same places."""
    subs = list(subs)
    fmt = file_format(content)
    if fmt == "csv":
        text, encoding = _decode_csv(content)
        if not _found(text, subs):
            return None
        return _sub_all(text, subs).encode(encoding), "csv"
    if fmt == "xls":
        if not any(_found(t, subs) for t in _xls_texts(content)):
            return None
        return _xls_to_xlsx(content, subs), "xlsx"
    new = _rewrite_zip(content, subs)
    return (new, "xlsx") if new is not None else None


def _rewrite_zip(content: bytes, subs: list[Target]) -> bytes | None:
    changed: dict[str, bytes] = {}
    for info, text in _xml_parts(content):
        new = _rewrite_xml(text, subs)
        if new is not None:
            changed[info.filename] = new.encode("utf-8")
    if not changed:
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = changed.get(info.filename)
            if data is None:
                data = zin.read(info)
            copy = zipfile.ZipInfo(info.filename, info.date_time)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            copy.create_system = info.create_system
            copy.comment = info.comment
            zout.writestr(copy, data)
        zout.comment = zin.comment
    return out.getvalue()


_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
# A shared string (<si>) or an inline string (<is>): its text may be split over formatted runs.
_BLOCK = re.compile(r"<((?:\w+:)?(?:si|is))\b[^>]*>.*?</\1>", re.S)
_T = re.compile(r"(<(?:\w+:)?t\b[^>]*>)(.*?)(</(?:\w+:)?t>)", re.S)
_PHONETIC = re.compile(r"<((?:\w+:)?rPh)\b[^>]*>.*?</\1>", re.S)
_ATTR = re.compile(r"""(=\s*)(["'])(.*?)\2""", re.S)


def _unescape(text: str) -> str:
    if "&" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e.startswith("#x"):
            return chr(int(e[2:], 16))
        if e.startswith("#"):
            return chr(int(e[1:]))
        return _NAMED[e]

    return _ENTITY.sub(one, text)


def _escape(text: str, quote: str | None = None) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote == '"':
        text = text.replace('"', "&quot;")
    elif quote == "'":
        text = text.replace("'", "&apos;")
    return text


def _block_texts(block: str) -> list[re.Match[str]]:
    return list(_T.finditer(_PHONETIC.sub(lambda m: " " * len(m.group(0)), block)))


def _joined_blocks(xml: str) -> str:
    """The text of every shared or inline string, its runs joined, one per line."""
    return "\n".join(
        "".join(_unescape(m.group(2)) for m in _block_texts(b.group(0))) for b in _BLOCK.finditer(xml)
    )


def _rewrite_xml(xml: str, subs: list[Target]) -> str | None:
    """The XML with the names replaced in every text and attribute value; None if unchanged."""
    if "&#" not in xml and not any(re.search(re.escape(t.words[0]), xml, re.IGNORECASE) for t in subs):
        return None  # the first word of no name appears: nothing to do (a large sheet is skipped fast)

    def block(m: re.Match[str]) -> str:
        whole = m.group(0)
        runs = _block_texts(whole)
        joined = "".join(_unescape(r.group(2)) for r in runs)
        if not _found(joined, subs):
            return whole
        wanted = _sub_all(joined, subs)
        parts = [_sub_all(_unescape(r.group(2)), subs) for r in runs]
        if "".join(parts) == wanted:  # each occurrence within one run: keep the formatting
            out, last = [], 0
            for r, new in zip(runs, parts, strict=True):
                out.append(whole[last : r.start(2)])
                out.append(r.group(2) if new == _unescape(r.group(2)) else _escape(new))
                last = r.end(2)
            out.append(whole[last:])
            return "".join(out)
        # The name runs over formatted runs: one plain run holds the text now.
        tag = m.group(1)
        prefix = tag[: tag.index(":") + 1] if ":" in tag else ""
        return f'<{tag}><{prefix}t xml:space="preserve">{_escape(wanted)}</{prefix}t></{tag}>'

    new = _BLOCK.sub(block, xml)
    pieces = re.split(r"(<[^>]*>)", new)
    for i, piece in enumerate(pieces):
        if not piece:
            continue
        if i % 2 == 0:  # text between tags
            text = _unescape(piece)
            if _found(text, subs):
                pieces[i] = _escape(_sub_all(text, subs))
        elif not piece.startswith(("<?", "<!")):  # a tag: its attribute values

            def attr(m: re.Match[str]) -> str:
                value = _unescape(m.group(3))
                if not _found(value, subs):
                    return m.group(0)
                return f"{m.group(1)}{m.group(2)}{_escape(_sub_all(value, subs), m.group(2))}{m.group(2)}"

            pieces[i] = _ATTR.sub(attr, piece)
    out = "".join(pieces)
    return out if out != xml else None


def _xls_to_xlsx(content: bytes, subs: list[Target]) -> bytes:
    """An .xlsx with the .xls's sheets (in order, hidden ones hidden) and every cell value in its
    place, names replaced: what the loader reads from it is what it read from the .xls."""
    import openpyxl
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(content))
    out = openpyxl.Workbook()
    out.remove(out.active)
    try:
        hidden = {m.name: m.visible for m in wb.sheets_metadata if m.visible != pc.SheetVisibleEnum.Visible}
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            ws = out.create_sheet(_sub_all(name, subs)[:31])
            if name in hidden:
                ws.sheet_state = "veryHidden" if hidden[name] == pc.SheetVisibleEnum.VeryHidden else "hidden"
            if not sheet.start:
                continue
            r0, c0 = sheet.start
            for i, row in enumerate(sheet.to_python()):
                for j, v in enumerate(row):
                    if v is None or v == "":
                        continue
                    if isinstance(v, str):
                        v = _sub_all(v, subs)
                    cell = ws.cell(row=r0 + i + 1, column=c0 + j + 1, value=v)
                    if isinstance(v, str):
                        cell.data_type = "s"  # a text starting with '=' stays text
    finally:
        wb.close()
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- preview


@dataclass
class _Hit:
    table: str
    column: str
    value: str
    rows: int
    exact: bool


@dataclass
class _Found:
    hits: list[_Hit] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows naming the person
    files: list[dict[str, Any]] = field(default_factory=list)


def _literal(text: str) -> str:
    return text.replace("'", "''")


def _existing(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    }


FILE_BATCH_BYTES = 64 << 20  # stored files read per query, at most (one file when it is larger)


def _find(con: duckdb.DuckDBPyConnection, t: Target) -> _Found:
    """Every value and stored file that names the person. A query of a DuckLake store costs tens of
    milliseconds whatever it reads, so every column of every table is searched in one."""
    out = _Found()
    tables = _existing(con)
    scanned = {table: cols for table, cols in SCANNED.items() if table in tables}
    # One scan per table (a DuckLake scan costs more than the reading): the rows where a column
    # holds every word of the name, each text column of them as (column, value); Python then
    # keeps the values the name's pattern finds.
    parts = []
    for table, cols in scanned.items():
        names = ", ".join(f'"{c}"' for c in cols)
        cond = " OR ".join(
            "(" + " AND ".join(f"contains(lower(\"{c}\"), '{_literal(w)}')" for w in t.words) + ")"
            for c in cols
        )
        parts.append(
            f"SELECT '{table}' AS t, rn, c, v FROM (UNPIVOT (SELECT row_number() OVER () AS rn, {names} "  # noqa: S608
            f"FROM {table} WHERE {cond}) ON {names} INTO NAME c VALUE v)"
        )
    values: dict[tuple[str, str, str], set[int]] = {}
    rows: dict[str, set[int]] = {}
    for table, rn, c, value in con.execute(" UNION ALL ".join(parts)).fetchall():
        if value and t.pattern.search(value):
            values.setdefault((table, c, value), set()).add(rn)
            rows.setdefault(table, set()).add(rn)
    order = {
        (table, c): i for i, (table, c) in enumerate((tb, c) for tb, cols in scanned.items() for c in cols)
    }
    for (table, c, value), rns in sorted(values.items(), key=lambda kv: (order[kv[0][:2]], kv[0][2])):
        out.hits.append(_Hit(table, c, value, len(rns), t.pattern.fullmatch(value.strip()) is not None))
    out.rows = {table: len(rows[table]) for table in scanned if table in rows}
    listing = con.execute(
        "SELECT sha256, file_name, size_bytes FROM files ORDER BY file_name, sha256"
    ).fetchall()
    groups: list[list[tuple[str, str]]] = []
    size = 0
    for sha, name, n in listing:
        if not groups or size + (n or 0) > FILE_BATCH_BYTES:
            groups.append([])
            size = 0
        groups[-1].append((sha, name))
        size += n or 0
    users: dict[str, list[int]] = {}
    for sha, b in con.execute("SELECT sha256, batch_id FROM batches ORDER BY batch_id").fetchall():
        users.setdefault(sha, []).append(b)
    for group in groups:
        names = dict(group)
        contents = dict(
            con.execute(
                "SELECT sha256, content FROM files WHERE list_contains(?, sha256)", [list(names)]
            ).fetchall()
        )
        for sha, name in group:
            content = bytes(contents.get(sha) or b"")
            if file_names(content, [t]):
                out.files.append(
                    {
                        "sha256": sha,
                        "file_name": name,
                        "format": file_format(content),
                        "batches": users.get(sha, []),
                    }
                )
    return out


_LABELS = {"exact": "hele værdien", "text": "i en tekst"}


def preview(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any]:
    """Everything that names the person, found exactly as erase would find it; writes nothing.

    {"name": the name as searched, "total": rows naming the person (all tables),
     "tables": {table: rows}, "columns": [{"table", "column", "exact": rows, "text": rows}],
     "values": [{"table", "column", "match": "exact" | "text", "value", "rows"}],
     "files": [{"sha256", "file_name", "format": "xlsx" | "csv" | "xls", "batches": [batch ids]}],
     "already_erased": whether the name is among the erased names,
     "table": the columns as rows for a table on screen (Danish headings)}"""
    t = target(name)
    found = _find(con, t)
    already = False
    with contextlib.suppress(duckdb.Error):
        key = _key(con)
        if key is not None:
            already = bool(
                con.execute(
                    "SELECT count(*) FROM erased_names WHERE name_hash = ?", [name_hash(key, name)]
                ).fetchall()[0][0]
            )
    return _report(name, found, already)


def _report(name: str, found: _Found, already: bool) -> dict[str, Any]:
    columns: dict[tuple[str, str], dict[str, Any]] = {}
    for h in found.hits:
        c = columns.setdefault(
            (h.table, h.column), {"table": h.table, "column": h.column, "exact": 0, "text": 0}
        )
        c["exact" if h.exact else "text"] += h.rows
    return {
        "name": P.clean_text(name) or "",
        "total": sum(found.rows.values()),
        "tables": dict(found.rows),
        "columns": list(columns.values()),
        "values": [
            {
                "table": h.table,
                "column": h.column,
                "match": "exact" if h.exact else "text",
                "value": h.value,
                "rows": h.rows,
            }
            for h in found.hits
        ],
        "files": found.files,
        "already_erased": already,
        "table": [
            {"Tabel": c["table"], "Kolonne": c["column"], "Hele værdien": c["exact"], "I en tekst": c["text"]}
            for c in columns.values()
        ],
    }


# ---------------------------------------------------------------- erase


def erase(
    con: duckdb.DuckDBPyConnection, name: str, *, user: str, role: str | None = None, page: str | None = None
) -> dict[str, Any]:
    """Replace the name by an anonymous token everywhere, then remove every trace of it from disk.

    One transaction under the writers' lock: the rows (data tables, their history, set-aside rows,
    batches, files' names, the audit log), the stored original files (rewritten; their batches
    point to the new file, sha256_received keeps the hash of the file as received), the keyed
    hash and token in erased_names, a batch (action 'erase') and an audit entry with counts. Then,
    with file deletion excluded (backups wait): inlined rows flushed, every data file with a
    deleted row rewritten, every snapshot before now expired, the old files deleted, and the
    catalog vacuumed (SQLite: VACUUM and its WAL truncated; PostgreSQL: VACUUM FULL).

    LoaderError('erase.not_found') when nothing names the person (nothing is changed).
    Returns {"token", "batch_id", "rows": rows changed, "tables": {table: rows},
    "files": [{"file_name", "sha256", "sha256_received", "converted": bool}],
    "purge": {"snapshots_expired", "files_deleted", "catalog": "sqlite" | "postgres",
              "vacuumed": bool, "wal_truncated": bool | None}}."""
    t0 = target(name)
    loc = store.location_of(con)
    from store.backup import maintenance

    with store.write_lock(con), maintenance(loc, exclusive=True):
        con.execute("BEGIN TRANSACTION")
        try:
            found = _find(con, t0)
            if not found.hits and not found.files:
                raise LoaderError(Problem("erase.not_found", params={"name": P.clean_text(name) or name}))
            key = _key(con, create=True)
            assert key is not None
            h = name_hash(key, name)
            row = store.first_row(con.execute("SELECT min(token) FROM erased_names WHERE name_hash = ?", [h]))
            token = row[0] if row and row[0] else None
            if token is None:
                n = int(con.execute("SELECT count(*) FROM erased_names").fetchall()[0][0])
                token = TOKEN.format(n=n + 1)
                con.execute("INSERT INTO erased_names VALUES (?, ?, ?)", [h, token, datetime.now(UTC)])
            t = Target(t0.words, token)
            batch = store.next_batch_id(con)
            files = _rewrite_stored(con, found.files, t)
            # Rows after files: a file's name is in `files` and `batches`, replaced here too.
            _replace_values(con, found.hits, t)
            # A kept committee annex made for a role that sees names may hold this one (a PDF's text
            # cannot be searched reliably): its file goes; its filters and figures (no names) stay for
            # "Siden sidste bilag".
            (annexes,) = con.execute(
                "UPDATE annexes SET content = ''::BLOB WHERE role <> 'viewer' AND octet_length(content) > 0"
            ).fetchall()[0]
            total = sum(found.rows.values())
            counts = {"rows": total, "tables": dict(found.rows), "files": len(files), "annexes": int(annexes)}
            con.execute(
                "INSERT INTO batches (batch_id, file_name, sheet, sha256, kind, action, uploaded_by, uploaded_at, "
                "rows_changed, options) VALUES (?, '', '', '', ?, 'erase', ?, ?, ?, ?)",
                [
                    batch,
                    KIND,
                    t.sub(user),
                    datetime.now(),
                    total,
                    json.dumps({**counts, "token": token}, sort_keys=True),
                ],
            )
            audit.record(
                con,
                user=t.sub(user),
                role=role,
                action="erase",
                page=page,
                detail=json.dumps({"batch_id": batch, **counts}, sort_keys=True),
            )
            con.execute("COMMIT")
        except BaseException:
            store.rollback(con)
            raise
        summary.refresh(con)  # before the purge: the summary's rows as they were go with the rest
        purge = _purge(con, loc)
        summary.refresh(con)  # the purge rewrote data files: a new data version to name
    return {
        "token": token,
        "batch_id": batch,
        "rows": total,
        "tables": dict(found.rows),
        "files": files,
        "annexes": counts["annexes"],
        "purge": purge,
    }


def _replace_values(con: duckdb.DuckDBPyConnection, hits: list[_Hit], t: Target) -> None:
    """Every value found, replaced: one UPDATE per column."""
    per_col: dict[tuple[str, str], list[str]] = {}
    for h in hits:
        per_col.setdefault((h.table, h.column), []).append(h.value)
    for (table, c), olds in per_col.items():
        con.execute(
            f'UPDATE {table} SET "{c}" = m.new FROM (SELECT unnest(?::VARCHAR[]) AS old, '  # noqa: S608
            f'unnest(?::VARCHAR[]) AS new) m WHERE {table}."{c}" = m.old',
            [olds, [t.sub(o) for o in olds]],
        )


def _rewrite_stored(
    con: duckdb.DuckDBPyConnection, files: list[dict[str, Any]], t: Target
) -> list[dict[str, Any]]:
    """Rewrite each stored original that names the person; its batches point to the new file."""
    out = []
    for f in files:
        old = f["sha256"]
        row = store.first_row(
            con.execute("SELECT content, file_name, note FROM files WHERE sha256 = ?", [old])
        )
        if row is None:
            continue
        content, file_name, note = bytes(row[0]), row[1], row[2]
        done = rewrite_file(content, [t])
        if done is None:
            continue
        new_content, fmt = done
        converted = file_format(content) == "xls"
        new_name = t.sub(file_name)
        if converted:
            new_name = str(Path(new_name).with_suffix(".xlsx"))
        notes = [n for n in (note, _note(converted)) if n]
        new = store_file(con, new_content, new_name, "; ".join(dict.fromkeys(notes)))
        con.execute("DELETE FROM files WHERE sha256 = ?", [old])
        con.execute(
            "UPDATE batches SET sha256 = ?, sha256_received = coalesce(sha256_received, ?) WHERE sha256 = ?",
            [new, old, old],
        )
        out.append({"file_name": new_name, "sha256": new, "sha256_received": old, "converted": converted})
    return out


def _note(converted: bool) -> str:
    if converted:
        return "Omskrevet ved sletning af en person; konverteret fra .xls til .xlsx med de samme celleværdier"
    return "Omskrevet ved sletning af en person"


def store_file(con: duckdb.DuckDBPyConnection, content: bytes, file_name: str, note: str | None) -> str:
    """Store a file (once per content); its SHA-256."""
    sha = hashlib.sha256(content).hexdigest()
    if not con.execute("SELECT count(*) FROM files WHERE sha256 = ?", [sha]).fetchall()[0][0]:
        con.execute(
            "INSERT INTO files (sha256, file_name, size_bytes, content, note) VALUES (?, ?, ?, ?, ?)",
            [sha, file_name, len(content), content, note],
        )
    return sha


# ---------------------------------------------------------------- removing the old values from disk


def _purge(con: duckdb.DuckDBPyConnection, loc: store.Location) -> dict[str, Any]:
    """After the erasure's commit: no data file, catalog page or WAL frame holds an old value.
    The caller holds the writers' lock and excludes backups."""
    lake = store.LAKE
    con.execute(f"CALL ducklake_flush_inlined_data('{lake}')").fetchall()
    con.execute(f"CALL ducklake_rewrite_data_files('{lake}', delete_threshold => 0)").fetchall()
    expired = len(con.execute(f"CALL ducklake_expire_snapshots('{lake}', older_than => now())").fetchall())
    deleted = len(con.execute(f"CALL ducklake_cleanup_old_files('{lake}', cleanup_all => true)").fetchall())
    # Files a killed writer left may hold the name too. Under the lock no commit of an embedded
    # store is in flight; on a shared catalog another server's may be, so those wait a day (maintain).
    since = "now()" if loc.sqlite_file is not None else "now() - INTERVAL 1 DAY"
    deleted += len(
        con.execute(f"CALL ducklake_delete_orphaned_files('{lake}', older_than => {since})").fetchall()
    )
    out: dict[str, Any] = {"snapshots_expired": expired, "files_deleted": deleted}
    if loc.sqlite_file is not None:
        out.update(catalog="sqlite", **_vacuum_sqlite(loc.sqlite_file))
    else:
        out.update(catalog="postgres", vacuumed=_vacuum_postgres(con, loc), wal_truncated=None)
    return out


def _vacuum_sqlite(file: Path) -> dict[str, bool]:
    """VACUUM the catalog (no free page keeps an old row) and truncate its WAL (no frame does)."""
    with contextlib.closing(sqlite3.connect(file, timeout=60)) as db:
        db.execute("VACUUM")
        truncated = False
        for _ in range(100):  # a reader of another process may hold the WAL for a moment
            busy, _log, _done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                truncated = True
                break
            time.sleep(0.1)
    return {"vacuumed": True, "wal_truncated": truncated}


def _vacuum_postgres(con: duckdb.DuckDBPyConnection, loc: store.Location) -> bool:
    """VACUUM FULL and ANALYZE of the catalog's tables, then VACUUM FULL of pg_statistic: dead row
    versions and sampled statistics holding old values are rewritten away. PostgreSQL's WAL segments, replicas and backups are beyond our reach (docs/deploy.md).
    DuckLake talks to PostgreSQL over its own connection, so the tables are listed by psql."""
    import subprocess

    dsn = loc.catalog.removeprefix("postgres:")

    def psql(sql: str) -> subprocess.CompletedProcess[str] | None:
        # As a script on stdin each statement runs on its own (VACUUM refuses a transaction block).
        try:
            return subprocess.run(
                ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-f", "-"],
                input=sql, capture_output=True, text=True, timeout=600,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            return None

    listed = psql(
        "SELECT string_agg(format('VACUUM (FULL, ANALYZE) %I.%I;', schemaname, tablename), E'\\n') "
        "FROM pg_tables WHERE tablename LIKE 'ducklake%'"
    )
    if listed is None or listed.returncode != 0 or not listed.stdout.strip():
        return False
    # ANALYZE replaces the planner's statistics, whose most common values are sampled cells (an
    # erased name among them).
    done = psql(listed.stdout.strip())
    if done is None or done.returncode != 0:
        return False
    # But ANALYZE of an empty table keeps its old statistics (the inlined-data tables are empty
    # once flushed), and only a superuser may delete from pg_statistic: altering a column to its
    # own type drops that column's statistics, which the tables' owner may do.
    emptied = psql(
        "SELECT string_agg(format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE %s;', n.nspname, c.relname, "
        "a.attname, format_type(a.atttypid, a.atttypmod)), E'\\n') FROM pg_statistic s "
        "JOIN pg_class c ON c.oid = s.starelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = s.staattnum "
        "WHERE c.relname LIKE 'ducklake%' AND c.relkind = 'r' AND c.reltuples = 0"
    )
    if emptied is None or emptied.returncode != 0:
        return False
    if emptied.stdout.strip() and (cleared := psql(emptied.stdout.strip())) is not None:
        if cleared.returncode != 0:
            return False
    # The old statistics rows are then rewritten away with pg_statistic itself, which the
    # database's owner may vacuum.
    done = psql("VACUUM FULL pg_catalog.pg_statistic;")
    return done is not None and done.returncode == 0


# ---------------------------------------------------------------- the hook on later uploads


@dataclass
class Erased:
    """The erased names of a store, as plan_upload checks incoming cells against them."""

    key: bytes
    tokens: dict[str, str]  # keyed hash -> token

    def __post_init__(self) -> None:
        self._base = hmac.new(self.key, digestmod=hashlib.sha256)

    def token_of(self, normalised: str) -> str | None:
        h = self._base.copy()
        h.update(normalised.encode("utf-8"))
        return self.tokens.get(h.hexdigest())

    def anonymise(self, text: str, found: dict[tuple[str, ...], str]) -> str:
        """text with every erased name in it replaced by its token (found collects the names'
        words, for rewriting the stored file)."""
        norm = P.normalise_name(text)
        if not norm:
            return text
        token = self.token_of(norm)
        if token is not None:
            found[tuple(norm.split())] = token
            return token
        words = norm.split()
        if len(words) < 3:  # a two-word text that is no erased name holds none
            return text
        hits: list[tuple[tuple[str, ...], str]] = []
        for n in WINDOWS:
            for i in range(len(words) - n + 1):
                token = self.token_of(" ".join(words[i : i + n]))
                if token is not None:
                    hits.append((tuple(words[i : i + n]), token))
        if not hits:
            return text
        out = text
        for words_hit, token in hits:
            found[words_hit] = token
            if _pattern(words_hit).search(out):
                out = Target(words_hit, token).sub(out)
            elif token not in out:  # not even inside a longer name replaced already
                return token  # the name is there only as normalised (an '&', a 'ß'): the cell goes whole
        return out


def erased(con: duckdb.DuckDBPyConnection) -> Erased | None:
    """The store's erased names, or None when there are none (the usual case: one small query)."""
    try:
        rows = con.execute("SELECT name_hash, token FROM erased_names").fetchall()
    except duckdb.CatalogException:
        return None
    if not rows:
        return None
    key = _key(con)
    if key is None:
        return None
    return Erased(key, dict(rows))


def anonymise(v: Validated, names: Erased) -> dict[tuple[str, ...], str]:
    """Replace every erased name in a validated sheet's rows (and in what its set-aside rows will
    store) by its token; a warning 'person.erased' on each such row. The names' words found."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pac

    found: dict[tuple[str, ...], str] = {}
    table = v.table
    flagged: dict[int, str | None] = {}
    src_rows = table.column("src_row") if "src_row" in table.column_names else None
    for i, f in enumerate(table.schema):
        if not (pa.types.is_string(f.type) or pa.types.is_large_string(f.type)):
            continue
        col = table.column(i).combine_chunks()
        mapping = {}
        for s in pac.unique(col).to_pylist():
            if s:
                new = names.anonymise(s, found)
                if new != s:
                    mapping[s] = new
        if not mapping:
            continue
        mask = pac.fill_null(pac.is_in(col, value_set=pa.array(list(mapping), f.type)), False)
        at = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
        olds = col.take(pa.array(at)).to_pylist()
        table = table.set_column(
            i, f, pac.replace_with_mask(col, mask, pa.array([mapping[o] for o in olds], f.type))
        )
        if src_rows is not None:
            label = next((x.label for x in v.kind.fields if x.stored_in == f.name), None)
            for r in src_rows.take(pa.array(at)).to_pylist():
                flagged.setdefault(r, label)
    v.table = table
    for problem in [*v.errors, *v.warnings]:
        if isinstance(problem.value, str):
            new = names.anonymise(problem.value, found)
            if new != problem.value:
                problem.value = new
                if problem.row is not None:
                    flagged.setdefault(problem.row, problem.column)
    for row, key_text in list(v.key_texts.items()):
        if key_text:
            new = names.anonymise(key_text, found)
            if new != key_text:
                v.key_texts[row] = new
                flagged.setdefault(row, None)
    for row in sorted(flagged):
        v.warnings.append(
            Problem(
                "person.erased", file=v.file, sheet=v.sheet, row=row, column=flagged[row], severity="warning"
            )
        )
    return found


def anonymise_file(content: bytes, found: dict[tuple[str, ...], str]) -> tuple[bytes, str] | None:
    """An upload's file with the erased names its rows held replaced by their tokens (the stored
    original never holds an erased name), and its format; None when unchanged."""
    if not content or not found:
        return None
    return rewrite_file(content, [Target(words, token) for words, token in found.items()])

"""Reading and safety: hostile or odd files are refused with a clear coded problem, odd CSVs are read right.

Files are built in code (openpyxl, zipfile, xlwt). Every refusal is checked at two levels: read_file raises
LoaderError with the right Problem, and ingest_file reports it as a rejected result and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

import store
from loaders import read as read_mod
from loaders.ingest import ingest_file
from loaders.problems import LoaderError
from loaders.read import decode, read_csv, read_file, sniff_delimiter
from loaders.safety import OLE_MAGIC, check_file
from tests.builders import MEMBERS, write_text, write_xlsx

SHEET1 = "xl/worksheets/sheet1.xml"


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def con(tmp_path: Path):
    c = store.connect(tmp_path / "t.sqlite")
    yield c
    c.close()


def state(con) -> dict[str, object]:
    """Everything stored, to compare before and after an operation that must change nothing."""
    out: dict[str, object] = {
        t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in store.DATA_TABLES
    }
    out["batches"] = con.execute("SELECT count(*) FROM batches").fetchall()
    out["files"] = con.execute("SELECT count(*) FROM files").fetchall()
    return out


@pytest.fixture
def no_excel_reading(monkeypatch):
    """Fail loudly if the workbook parser is reached: a refused file must be refused before reading."""
    calls: list[Path] = []

    def spy(path, name):
        calls.append(path)
        raise AssertionError("the workbook was read")

    monkeypatch.setattr(read_mod, "_read_excel", spy)
    return calls


def rezip(
    src: Path, dst: Path, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> Path:
    """Copy a workbook's zip, replacing or adding members."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        for name, data in (add or {}).items():
            zout.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return dst


def members_xlsx(tmp_path: Path, name: str = "deltagere.xlsx") -> Path:
    return write_xlsx(tmp_path / "src" / name, {"Deltagere": MEMBERS})


def sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(SHEET1)


def refused(path: Path, code: str, *, display_name: str | None = None):
    """read_file must raise LoaderError with this code and the file's name; return the Problem."""
    with pytest.raises(LoaderError) as e:
        read_file(path, display_name=display_name)
    p = e.value.problem
    assert p.code == code, p.as_dict()
    assert p.file == (display_name or path.name)
    return p


def rejected_by_ingest(con, path: Path, code: str):
    """ingest_file reports the file as rejected with this one code and writes nothing; return the Problem."""
    before = state(con)
    results = ingest_file(con, path)
    assert [r.status for r in results] == ["rejected"], [r.as_dict() for r in results]
    assert [e.code for e in results[0].errors] == [code]
    assert results[0].errors[0].file == path.name
    assert state(con) == before
    return results[0].errors[0]


# ---------------------------------------------------------------- zip bombs


def test_too_many_zip_members_is_refused(tmp_path, no_excel_reading):
    src = members_xlsx(tmp_path)
    many = rezip(src, tmp_path / "mange.xlsx", add={f"xl/junk/{i}.bin": b"" for i in range(10_001)})
    refused(many, "file.zip_bomb")
    assert no_excel_reading == []


# ---------------------------------------------------------------- XML entities and dimensions

LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
)


def test_billion_laughs_in_shared_strings_is_refused(tmp_path, con, no_excel_reading):
    sst = (
        LAUGHS + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    bomb = rezip(members_xlsx(tmp_path), tmp_path / "laughs.xlsx", add={"xl/sharedStrings.xml": sst})
    p = refused(bomb, "file.xml_entities")
    assert "DOCTYPE/ENTITY" in p.message() and "afvises" in p.message()
    assert "DOCTYPE/ENTITY" in p.message("en")
    rejected_by_ingest(con, bomb, "file.xml_entities")
    assert no_excel_reading == []


def test_entity_in_a_sheet_is_refused(tmp_path, no_excel_reading):
    src = members_xlsx(tmp_path)
    xml = sheet_xml(src)
    xml = LAUGHS + xml.replace(b"Freddy Lippert", b"&lol9;")
    bomb = rezip(src, tmp_path / "ark.xlsx", replace={SHEET1: xml})
    refused(bomb, "file.xml_entities")
    assert no_excel_reading == []


def test_external_entity_is_refused(tmp_path, no_excel_reading):
    src = members_xlsx(tmp_path)
    xml = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + sheet_xml(src).replace(
        b"Freddy Lippert", b"&xxe;"
    )
    bomb = rezip(src, tmp_path / "xxe.xlsx", replace={SHEET1: xml})
    refused(bomb, "file.xml_entities")
    assert no_excel_reading == []


# ---------------------------------------------------------------- not what the name says, encrypted


@pytest.mark.parametrize(
    "name, content",
    [
        ("tekst.xlsx", "Navn;Titel\nAnna;Læge\n".encode()),
        ("billede.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
        ("tom.xlsx", b""),
        ("tekst.xlsm", b"<html><body>Ikke et regneark</body></html>"),
        ("tekst.xls", "Navn\tTitel\nAnna\tLæge\n".encode("cp1252")),
    ],
)
def test_not_a_workbook_renamed_is_a_type_mismatch_in_danish(tmp_path, con, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    p = refused(path, "file.type_mismatch")
    ext = Path(name).suffix
    assert p.params == {"expected": ext}
    assert p.message() == f"Filen er ikke en {ext}-fil, selv om navnet siger det."
    rejected_by_ingest(con, path, "file.type_mismatch")


def test_xlsx_renamed_xls_and_xls_renamed_xlsx_are_type_mismatches(tmp_path):
    xlsx = members_xlsx(tmp_path)
    as_xls = tmp_path / "deltagere.xls"
    as_xls.write_bytes(xlsx.read_bytes())
    assert refused(as_xls, "file.type_mismatch").params == {"expected": ".xls"}
    legacy = write_xls(tmp_path / "src" / "puljer.xls")
    as_xlsx = tmp_path / "puljer.xlsx"
    as_xlsx.write_bytes(legacy.read_bytes())
    assert refused(as_xlsx, "file.type_mismatch").params == {"expected": ".xlsx"}


def test_display_name_decides_the_type_not_the_stored_path(tmp_path):
    # The data page stores uploads under a temporary name; the user's file name is what counts.
    stored = tmp_path / "upload.tmp"
    stored.write_bytes(b"Navn;Titel\nAnna;Laege\n")
    p = refused(stored, "file.type_mismatch", display_name="deltagere.xlsx")
    assert p.params == {"expected": ".xlsx"}
    sheets = read_file(stored, display_name="deltagere.csv")
    assert [(s.file, s.sheet) for s in sheets] == [("deltagere.csv", "deltagere")]


def fake_encrypted_ole(pad: int = 504) -> bytes:
    """The start of a password-protected .xlsx: an OLE2 compound file with the encryption streams."""
    return (
        OLE_MAGIC
        + b"\0" * pad
        + "EncryptionInfo".encode("utf-16-le")
        + b"\0" * 114
        + "EncryptedPackage".encode("utf-16-le")
        + b"\0" * 100
    )


@pytest.mark.parametrize("name", ["hemmelig.xlsx", "hemmelig.xlsm", "hemmelig.xls"])
def test_password_protected_workbook_gets_a_clear_danish_message(tmp_path, con, no_excel_reading, name):
    path = tmp_path / name
    path.write_bytes(fake_encrypted_ole())
    p = refused(path, "file.encrypted")
    assert p.message() == (
        "Projektmappen er krypteret eller beskyttet med adgangskode. Gem den uden adgangskode og prøv igen."
    )
    assert "Traceback" not in p.message()
    rejected_by_ingest(con, path, "file.encrypted")
    assert no_excel_reading == []


def test_encryption_streams_beyond_the_first_megabyte_are_found(tmp_path, no_excel_reading):
    path = tmp_path / "hemmelig.xlsx"
    path.write_bytes(fake_encrypted_ole(pad=2 << 20))
    refused(path, "file.encrypted")
    assert no_excel_reading == []


def test_ole_file_without_encryption_named_xlsx_is_a_type_mismatch(tmp_path):
    path = tmp_path / "gammel.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 4096)
    assert refused(path, "file.type_mismatch").params == {"expected": ".xlsx"}


def test_zip_member_with_the_encryption_flag_is_encrypted(tmp_path, no_excel_reading):
    path = rezip(members_xlsx(tmp_path), tmp_path / "krypteret.xlsx")
    data = bytearray(path.read_bytes())
    # Set bit 0 (encrypted) of every central directory entry's general purpose flags.
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:
        data[pos + 8] |= 0x1
        pos += 4
    path.write_bytes(bytes(data))
    refused(path, "file.encrypted")
    assert no_excel_reading == []


def test_zip_that_is_not_a_workbook_is_unreadable_with_a_danish_message(tmp_path, con):
    path = tmp_path / "arkiv.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hej")
    p = refused(path, "file.unreadable")
    assert p.message().startswith("Filen kan ikke læses som regneark: ")
    assert len(p.params["detail"]) <= 200 and "Traceback" not in p.params["detail"]
    rejected_by_ingest(con, path, "file.unreadable")


def test_truncated_workbook_is_unreadable(tmp_path, con):
    data = members_xlsx(tmp_path).read_bytes()
    path = tmp_path / "afbrudt.xlsx"
    path.write_bytes(data[: len(data) // 2])
    p = refused(path, "file.unreadable")
    assert p.message().startswith("Filen kan ikke læses som regneark: ")
    rejected_by_ingest(con, path, "file.unreadable")


@pytest.mark.parametrize("name, ext", [("data.ods", ".ods"), ("data.txt", ".txt"), ("data", "(ingen)")])
def test_unsupported_extension(tmp_path, name, ext):
    path = tmp_path / name
    path.write_text("a;b\n1;2\n")
    p = refused(path, "file.unsupported")
    assert p.params == {"ext": ext}
    assert p.message() == f"Filtypen {ext} understøttes ikke. Brug .xlsx, .xlsm, .xls eller .csv."


def test_missing_and_too_large_files(tmp_path):
    refused(tmp_path / "findes-ikke.xlsx", "file.not_found")
    path = write_text(tmp_path / "stor.csv", "a;b\n" + "1;2\n" * 1000)
    with pytest.raises(LoaderError) as e:
        check_file(path, max_bytes=1000)
    p = e.value.problem
    assert (p.code, p.file) == ("file.too_large", "stor.csv")
    assert "grænsen er" in p.message()


# ---------------------------------------------------------------- .xlsm and legacy .xls are read as data


def test_xlsm_is_read_as_data_and_its_macros_are_not_run(tmp_path, con):
    src = write_xlsx(tmp_path / "src" / "deltagere.xlsx", {"Deltagere": MEMBERS})
    macro = b'Sub Auto_Open()\n Shell "calc.exe"\nEnd Sub\n'  # a stand-in: nothing may ever execute it
    path = rezip(src, tmp_path / "deltagere.xlsm", add={"xl/vbaProject.bin": macro})
    sheets = read_file(path)
    assert [(s.file, s.sheet, s.hidden) for s in sheets] == [("deltagere.xlsm", "Deltagere", False)]
    assert sheets[0].rows[2] == (4, ["Anna Pors", "1. reservelæge, ph.d.", "Amager og Hvidovre Hospital"])
    assert all(macro.decode() not in repr(r) for r in sheets[0].rows)
    results = ingest_file(
        con, path, set_values={"network": "AI-Innovationsnetværket", "region": "Region Hovedstaden"}
    )
    assert [r.status for r in results] == ["loaded"], [r.as_dict() for r in results]
    assert con.execute("SELECT count(*) FROM memberships").fetchone() == (6,)


def write_xls(path: Path) -> Path:
    import xlwt  # requirements-dev.txt: a missing one is an install bug, not a skip

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Møder")
    date_style = xlwt.easyxf(num_format_str="DD-MM-YYYY")
    ws.write(0, 0, "Mødeoversigt")
    for c, h in enumerate(["Netværk", "Dato", "Sted", "Tema", "Type", "Deltagere", "Varighed"]):
        ws.write(2, c, h)
    rows = [
        [
            "AI-Innovationsnetværket",
            dt.datetime(2019, 6, 17),
            "Århus",
            "Igangsætning",
            "Netværksmøde",
            25,
            1.125,
        ],
        ["AI-Innovationsnetværket", dt.datetime(2020, 4, 3), "Sønderborg", "æøå ÆØÅ", "Workshop", 12, 2.5],
    ]
    for r, row in enumerate(rows, start=3):
        for c, v in enumerate(row):
            if isinstance(v, dt.datetime):
                ws.write(r, c, v, date_style)
            else:
                ws.write(r, c, v)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path


def test_legacy_xls_is_read_with_types_and_excel_row_numbers(tmp_path, con):
    path = write_xls(tmp_path / "moeder.xls")
    assert check_file(path) == "xls"
    (sheet,) = read_file(path)
    assert (sheet.file, sheet.sheet, sheet.problems) == ("moeder.xls", "Møder", [])
    assert [n for n, _ in sheet.rows] == [1, 3, 4, 5]  # the blank row 2 is skipped, numbers stay Excel's
    assert sheet.rows[2] == (
        4,
        [
            "AI-Innovationsnetværket",
            dt.date(2019, 6, 17),
            "Århus",
            "Igangsætning",
            "Netværksmøde",
            25.0,
            1.125,
        ],
    )
    # A numeric cell stays a number: 1.125 is never the Danish text "1.125" (one thousand one hundred ...).
    assert isinstance(sheet.rows[2][1][6], float)
    results = ingest_file(con, path)
    assert [r.status for r in results] == ["loaded"], [r.as_dict() for r in results]
    assert con.execute(
        "SELECT meeting_date, host, theme, attendees, src_row FROM meetings ORDER BY 1"
    ).fetchall() == [
        (dt.date(2019, 6, 17), "Århus", "Igangsætning", 25, 4),
        (dt.date(2020, 4, 3), "Sønderborg", "æøå ÆØÅ", 12, 5),
    ]


# ---------------------------------------------------------------- CSV: encodings

DANISH_CSV = "Navn;By;Tekst\nAnna Pors;Århus;æøå ÆØÅ\nJan Madsen;Sønderborg;Kræftcentre\n"
DANISH_ROWS = [
    (1, ["Navn", "By", "Tekst"]),
    (2, ["Anna Pors", "Århus", "æøå ÆØÅ"]),
    (3, ["Jan Madsen", "Sønderborg", "Kræftcentre"]),
]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252", "latin-1"])
def test_csv_danish_text_decodes_in_every_encoding(tmp_path, encoding):
    path = write_text(tmp_path / "personer.csv", DANISH_CSV, encoding)
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    sheet = read_csv(path)
    assert (sheet.file, sheet.sheet, sheet.problems) == ("personer.csv", "personer", [])
    assert sheet.rows == DANISH_ROWS  # no BOM left on "Navn", no mojibake such as "Ã…rhus"


def test_decode_fallbacks():
    assert decode("\ufeffÅrhus".encode()) == "Århus"
    assert decode("Århus".encode()) == "Århus"
    assert decode("Århus – “citat” €".encode("cp1252")) == "Århus – “citat” €"
    # 0x81 is undefined in cp1252: only latin-1 can read this, and the Danish letters survive.
    assert decode("Sønderborg æøå".encode("latin-1") + b"\x81") == "Sønderborg æøå\x81"
    # A BOM with a broken byte after it is still UTF-8, the broken byte replaced, never a crash.
    assert decode(b"\xef\xbb\xbf\xc3\xa6\xff") == "æ\ufffd"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252", "latin-1"])
def test_csv_encodings_through_ingest(tmp_path, con, encoding):
    text = (
        "Netværk;Dato;Sted;Tema;Type;Deltagere\n"
        "AI-Innovationsnetværket;17. juni 2019;Århus Universitetshospital;Igangsætning;Netværksmøde;25\n"
        "AI-Innovationsnetværket;03-04-2020;Sønderborg;Sundhed på tværs: æøå;Workshop;12\n"
    )
    path = write_text(tmp_path / "møder.csv", text, encoding)
    results = ingest_file(con, path)
    assert [r.status for r in results] == ["loaded"], [r.as_dict() for r in results]
    assert con.execute(
        "SELECT meeting_date, host, theme, kind, attendees FROM meetings ORDER BY 1"
    ).fetchall() == [
        (dt.date(2019, 6, 17), "Århus Universitetshospital", "Igangsætning", "network_meeting", 25),
        (dt.date(2020, 4, 3), "Sønderborg", "Sundhed på tværs: æøå", "workshop", 12),
    ]


# ---------------------------------------------------------------- CSV: delimiters


@pytest.mark.parametrize(
    "text, delimiter",
    [
        ("Navn;Titel;Organisation\nAnna;Læge;AHH\n", ";"),
        ("Navn,Titel,Organisation\nAnna,Læge,AHH\n", ","),
        ("Navn\tTitel\tOrganisation\nAnna\tLæge\tAHH\n", "\t"),
        # Commas inside the text do not fool it: every line splits into three on ';'.
        ("Navn;Titel;Organisation\nAnna;Læge, ph.d.;Herlev, Gentofte\nBo;Sygeplejerske;AHH\n", ";"),
        # Quoted Danish decimal commas in a ',' file.
        ('Navn,Beløb,By\n"Anna","1.650.000,50","Århus"\nBo,"250,00",Sønderborg\n', ","),
        # A one-column title line above the table does not decide it.
        ("Oversigt over deltagere\n\nNavn,Titel,Organisation\nAnna,Læge,AHH\n", ","),
        ("Bare én kolonne\nog en til\n", ";"),  # nothing splits: ';' is the default
    ],
)
def test_delimiter_is_detected(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_comma_csv_with_quoted_decimal_commas_is_read_into_the_right_columns(tmp_path):
    text = 'Navn,Beløb,By\n"Anna","1.650.000,50","Århus"\nBo,"250,00",Sønderborg\n'
    sheet = read_csv(write_text(tmp_path / "b.csv", text))
    assert sheet.problems == []
    assert sheet.rows == [
        (1, ["Navn", "Beløb", "By"]),
        (2, ["Anna", "1.650.000,50", "Århus"]),
        (3, ["Bo", "250,00", "Sønderborg"]),
    ]


def test_semicolon_csv_with_decimal_comma_amounts_through_ingest(tmp_path, con):
    text = (
        "Pulje;År;Projekt;Modtager;Beløb;Status;Beslutningsdato\n"
        "AI-puljen 2020;2020;RAIT;Herlev og Gentofte Hospital;1.650.000,50;Bevilget;17-06-2020\n"
        "AI-puljen 2020;2020;AI-KOA;Bispebjerg og Frederiksberg Hospital;250000,75;Udbetalt;01.09.2020\n"
        "AI-puljen 2020;2020;SmartChest;Herlev og Gentofte Hospital;kr. 300.000;Søgt;\n"
        "AI-puljen 2020;2020;Lille;Rigshospitalet;1,5 mio. kr.;Søgt;Ikke oplyst\n"
    )
    results = ingest_file(con, write_text(tmp_path / "bevillinger.csv", text, "cp1252"))
    assert [r.status for r in results] == ["loaded"], [r.as_dict() for r in results]
    assert con.execute(
        "SELECT project, amount_dkk, status, decided_on, src_row FROM allocations ORDER BY src_row"
    ).fetchall() == [
        ("RAIT", Decimal("1650000.50"), "granted", dt.date(2020, 6, 17), 2),
        ("AI-KOA", Decimal("250000.75"), "paid", dt.date(2020, 9, 1), 3),
        ("SmartChest", Decimal("300000.00"), "applied", None, 4),
        ("Lille", Decimal("1500000.00"), "applied", None, 5),
    ]


# ---------------------------------------------------------------- CSV: multi-line fields and field counts

MULTILINE = (
    "Navn;Tema;Antal\n"  # line 1
    'A;"to\nlinjer";1\n'  # lines 2-3
    "B;én;2\n"  # line 4
    "C;x;3;4\n"  # line 5: one field too many
    'D;"tre\nlin\njer";5\n'  # lines 6-8
    "E;y\n"  # line 9: one field too few
    "F;z;6\n"  # line 10
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_multiline_fields_keep_true_line_numbers_and_bad_rows_are_reported_not_misread(tmp_path, newline):
    path = write_text(tmp_path / "tema.csv", MULTILINE.replace("\n", newline))
    sheet = read_csv(path)
    assert [(n, cells[0]) for n, cells in sheet.rows] == [
        (1, "Navn"),
        (2, "A"),
        (4, "B"),
        (6, "D"),
        (10, "F"),
    ]
    assert sheet.rows[1][1][1].splitlines() == ["to", "linjer"]
    assert [(p.code, p.file, p.sheet, p.row, p.params) for p in sheet.problems] == [
        ("csv.field_count", "tema.csv", "tema", 5, {"found": 4, "expected": 3}),
        ("csv.field_count", "tema.csv", "tema", 9, {"found": 2, "expected": 3}),
    ]
    assert sheet.problems[0].message() == (
        "Linjen har 4 felter, men overskriften har 3. Tjek anførselstegn og skilletegn."
    )
    assert not any(cells[0] in ("C", "E") for _, cells in sheet.rows)


def test_bad_row_after_a_multiline_field_rejects_the_file_through_ingest(tmp_path, con):
    text = (
        "Netværk;Dato;Sted;Tema;Type;Deltagere\n"  # 1
        'AI-Innovationsnetværket;17-06-2020;Skype;"Erfaringer under COVID-19\nog anbefalinger";Netværksmøde;25\n'  # 2-3
        'AI-Innovationsnetværket;29.09.2020;"hos\nCIMT";Data;Netværksmøde;10\n'  # 4-5
        "AI-Innovationsnetværket;01.10.2020;Skype;Data;Netværksmøde;10;ekstra\n"  # 6
    )
    path = write_text(tmp_path / "moeder.csv", text)
    before = state(con)
    results = ingest_file(con, path)
    assert [r.status for r in results] == ["rejected"], [r.as_dict() for r in results]
    errors = [e.as_dict() for e in results[0].errors]
    assert [(e["code"], e["file"], e["sheet"], e["row"]) for e in errors] == [
        ("csv.field_count", "moeder.csv", "moeder", 6)
    ]
    assert "7 felter" in errors[0]["message"] and "har 6" in errors[0]["message"]
    assert state(con) == before


def test_trailing_empty_fields_are_trimmed_not_reported(tmp_path):
    text = "Navn;Titel;Organisation\nAnna;Læge;AHH;;\nBo;Sygeplejerske;;\n"
    sheet = read_csv(write_text(tmp_path / "d.csv", text))
    assert sheet.problems == []
    assert sheet.rows[1:] == [(2, ["Anna", "Læge", "AHH"]), (3, ["Bo", "Sygeplejerske", None])]


def test_short_title_lines_before_the_header_are_kept_short_rows_after_it_are_reported(tmp_path):
    text = "Deltagere pr. oktober 2020\n\nNavn;Titel;Organisation\nAnna;Læge;AHH\nBo;Sygeplejerske\n"
    sheet = read_csv(write_text(tmp_path / "d.csv", text))
    assert sheet.rows == [
        (1, ["Deltagere pr. oktober 2020"]),
        (3, ["Navn", "Titel", "Organisation"]),
        (4, ["Anna", "Læge", "AHH"]),
    ]
    assert [(p.code, p.row, p.params) for p in sheet.problems] == [
        ("csv.field_count", 5, {"found": 2, "expected": 3})
    ]


def test_unclosed_quote_swallows_lines_but_is_reported_at_its_first_line(tmp_path):
    text = 'Navn;Tema;Antal\nA;"ingen slut;1\nB;x;2\nC;y;3\n'
    sheet = read_csv(write_text(tmp_path / "q.csv", text))
    assert sheet.rows == [(1, ["Navn", "Tema", "Antal"])]
    assert [(p.code, p.row) for p in sheet.problems] == [("csv.field_count", 2)]


def test_csv_field_over_the_csv_module_limit_is_unreadable_not_a_crash(tmp_path, con):
    path = write_text(tmp_path / "stor.csv", 'Navn;Tema\nA;"' + "x" * 200_000 + "\n")
    p = refused(path, "file.unreadable")
    assert "field limit" in p.params["detail"]
    rejected_by_ingest(con, path, "file.unreadable")


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04" + b"\0" * 100, OLE_MAGIC + b"\0" * 100, b"Navn;Titel\nAnna\x00;L\n"],
)
def test_binary_file_named_csv_is_a_type_mismatch(tmp_path, con, content):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    assert refused(path, "file.type_mismatch").params == {"expected": ".csv"}
    rejected_by_ingest(con, path, "file.type_mismatch")


def test_blank_cells_become_none_and_blank_lines_are_skipped(tmp_path):
    text = "Navn;Titel;Organisation\n\n;;\nAnna;  ;AHH\n\n"
    sheet = read_csv(write_text(tmp_path / "d.csv", text))
    assert sheet.rows == [(1, ["Navn", "Titel", "Organisation"]), (4, ["Anna", None, "AHH"])]

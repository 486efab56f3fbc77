"""The data page as a secretary uses it, under AppTest: upload, save, history, undo what you meant."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import store
from dashboard import safe
from loaders.ingest import ingest_file
from tests.builders import MEMBERS, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
AI = {"network": "AI-Innovationsnetværket", "region": "Region Hovedstaden"}


def _people(db: Path) -> list[str]:
    con = store.connect(db)
    try:
        return [r[0] for r in con.execute("SELECT person FROM memberships ORDER BY 1").fetchall()]
    finally:
        con.close()


@pytest.fixture
def two_uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int, int]:
    """A store with two member lists loaded: the first and a second that adds one person."""
    db = tmp_path / "t.sqlite"
    con = store.connect(db)
    first = ingest_file(con, write_xlsx(tmp_path / "foerste.xlsx", {"Deltagere": MEMBERS}), set_values=AI)
    second = ingest_file(
        con,
        write_xlsx(
            tmp_path / "anden.xlsx", {"Deltagere": MEMBERS + [["Mads Nielsen", "Institutleder", "KU"]]}
        ),
        set_values=AI,
    )
    con.close()
    monkeypatch.setenv("OVERBLIK_DB", str(db))
    return db, first[0].batch_id, second[0].batch_id


def _text(elements) -> str:
    """What the reader sees of markdown elements: escaped user text shown as written."""
    return " ".join(re.sub(r"\\(.)", r"\1", e.value) for e in elements)


def _data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    return at


def test_undo_offers_no_upload_until_one_is_chosen_and_asks_naming_the_file(two_uploads) -> None:
    db, first, second = two_uploads
    at = _data_page()
    pick = at.selectbox(key="hist_pick")
    assert pick.value is None  # nothing is pre-selected: no stale choice can be undone by accident
    assert not [b for b in at.button if b.key == "undo_btn"]
    pick.set_value(second).run()
    at.button(key="undo_btn").click().run()
    # A confirmation that names the file and what will happen; nothing has happened yet.
    warning = _text(at.warning)
    assert "anden.xlsx" in warning and "1 række fjernes" in warning
    assert "Mads Nielsen" in _people(db)
    at.button(key="confirm_yes").click().run()
    assert not at.exception
    assert "Mads Nielsen" not in _people(db)
    assert len(_people(db)) == 6  # the first list is untouched
    assert at.selectbox(key="hist_pick").value is None
    assert f"Indlæsning {second} er fortrudt" in _text(at.success)
    # The history is redrawn after the action: the second upload shows as undone.
    hist = next(d.value for d in at.dataframe if "Status" in d.value.columns and "Fil" in d.value.columns)
    assert hist.loc[hist["Nr."] == second, "Status"].item().startswith("Fortrudt af")


def test_cancel_changes_nothing_and_an_undone_upload_can_be_redone(two_uploads) -> None:
    db, first, second = two_uploads
    at = _data_page()
    at.selectbox(key="hist_pick").set_value(second).run()
    at.button(key="undo_btn").click().run()
    at.button(key="confirm_no").click().run()
    assert "Mads Nielsen" in _people(db)
    at.selectbox(key="hist_pick").set_value(second).run()
    at.button(key="undo_btn").click().run()
    at.button(key="confirm_yes").click().run()
    assert "Mads Nielsen" not in _people(db)
    # Redo from the same list: the upload is offered as undone and brought back.
    at.selectbox(key="hist_pick").set_value(second).run()
    assert "Gendan" in at.button(key="undo_btn").label
    at.button(key="undo_btn").click().run()
    at.button(key="confirm_yes").click().run()
    assert "Mads Nielsen" in _people(db)
    assert f"Indlæsning {second} er gendannet" in _text(at.success)


def test_an_upload_changed_by_a_later_one_says_which_to_undo_first(two_uploads, tmp_path: Path) -> None:
    db, first, second = two_uploads
    changed = [list(r) for r in MEMBERS]
    changed[3][1] = "Afdelingslæge"  # Anna Pors, loaded by the first upload
    con = store.connect(db)
    third = ingest_file(con, write_xlsx(tmp_path / "tredje.xlsx", {"Deltagere": changed}), set_values=AI)
    con.close()
    at = _data_page()
    at.selectbox(key="hist_pick").set_value(first).run()
    assert not [b for b in at.button if b.key == "undo_btn"]
    assert f"før indlæsning {third[0].batch_id} er fortrudt" in _text(at.info)


# ---------------------------------------------------------------- upload, preview, receipt


def _xlsx(tmp_path: Path, name: str, sheets: dict) -> tuple[str, bytes, str]:
    path = write_xlsx(tmp_path / name, sheets)
    return (name, path.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store that knows two networks (offered on the data page) and no members."""
    db = tmp_path / "e.sqlite"
    con = store.connect(db)
    networks = [
        ["Netværk", "Region"],
        ["AI-Innovationsnetværket", "Region Hovedstaden"],
        ["Diagnostik", None],
    ]
    ingest_file(con, write_xlsx(tmp_path / "netvaerk.xlsx", {"Netværk": networks}))
    con.close()
    monkeypatch.setenv("OVERBLIK_DB", str(db))
    return db


def _upload(
    at: AppTest, *files: tuple[str, bytes, str], network: str | None = "AI-Innovationsnetværket"
) -> AppTest:
    if network:
        at.selectbox(key="upload_network").set_value(network).run()
    uploader = next(u for u in at.get("file_uploader"))
    uploader.set_value(list(files) if len(files) > 1 else files[0]).run()
    assert not at.exception
    return at


def test_the_preview_shows_rows_sections_skips_and_what_is_kept(empty_db, tmp_path) -> None:
    guide = [["Sådan udfylder du arket"], ["Et navn pr. række"]]
    f = _xlsx(tmp_path, "medlemmer.xlsx", {"Deltagere": MEMBERS, "Vejledning": guide})
    at = _upload(_data_page(), f)
    tabs = [t.label for t in at.tabs]
    assert "Nye (6)" in tabs and "Sprunget over (2)" in tabs
    new = next(d.value for d in at.dataframe if "Navn" in d.value.columns)
    assert list(new["Navn"])[:2] == ["Anna Pors", "Freddy Lippert"] and list(new["Række"])[:2] == [4, 5]
    captions = _text(at.caption)
    assert "Rækken 'Eksterne' (række 9) markerer de næste 2 som eksterne." in captions
    assert "Arket 'Vejledning' er ikke data og springes over." in captions
    assert "Af de 8 rækker under den kan 6 gemmes, 0 afvises og 2 springes over." in captions
    assert not at.error  # a guidance sheet is never red
    skipped = next(d.value for d in at.dataframe if "Hvorfor" in d.value.columns)
    assert list(skipped["Række"]) == [7, 9] and "markerer de næste 2 som eksterne" in skipped["Hvorfor"][1]


def test_save_commits_the_plan_shown_and_a_receipt_replaces_the_preview(
    empty_db, tmp_path, monkeypatch
) -> None:
    from dashboard import upload

    calls = []
    real = upload.plan_upload
    monkeypatch.setattr(upload, "plan_upload", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = _upload(_data_page(), _xlsx(tmp_path, "medlemmer.xlsx", {"Deltagere": MEMBERS}))
    at.selectbox(key="upload_region").set_value("Region Hovedstaden").run()  # new settings: planned again
    at.run()  # a rerun (any widget click) does not plan again
    assert len(calls) == 2
    save = next(b for b in at.button if b.key and b.key.startswith("save_"))
    assert save.label == "Gem (6 nye)"
    save.click().run()
    assert len(calls) == 2  # Save commits the plan it showed
    assert "Gemt: 6 nye deltagere i AI-Innovationsnetværket (indlæsning 2)" in _text(at.success)
    assert not [b for b in at.button if b.key and b.key.startswith("save_")]  # the preview is gone
    assert len(_people(empty_db)) == 6
    assert [b.key for b in at.button if b.key and b.key.startswith("receipt_undo_")] == ["receipt_undo_0"]


def test_a_save_after_someone_else_saved_is_refused_and_planned_again(empty_db, tmp_path) -> None:
    at = _upload(_data_page(), _xlsx(tmp_path, "medlemmer.xlsx", {"Deltagere": MEMBERS}))
    con = store.connect(empty_db)  # meanwhile, someone loads another list
    ingest_file(
        con, write_xlsx(tmp_path / "andet.xlsx", {"D": MEMBERS}), set_values={"network": "Diagnostik"}
    )
    con.close()
    next(b for b in at.button if b.key and b.key.startswith("save_")).click().run()
    assert "Data er ændret siden forhåndsvisningen" in _text(at.error)
    assert len(_people(empty_db)) == 6  # only the other list
    # The page planned again against what is there now: Save is offered on the fresh plan.
    assert next(b for b in at.button if b.key and b.key.startswith("save_")).label == "Gem (6 nye)"


def test_a_missing_network_column_is_one_cause_first_with_the_fix_not_a_message_per_row(
    empty_db, tmp_path
) -> None:
    at = _upload(_data_page(), _xlsx(tmp_path, "medlemmer.xlsx", {"Deltagere": MEMBERS}), network=None)
    errors = [e for e in at.error]
    assert len(errors) == 1  # one cause, said once
    first_error = _text(errors)
    assert "Kolonnen for 'Netværk' mangler" in first_error
    assert "angiv én værdi for hele arket" in first_error
    # The fix on this very page, by name (not the command line's --set).
    assert "Vælg netværket i 'Netværk for hele arket' ovenfor" in first_error and "--set" not in first_error
    assert "skal udfyldes" not in first_error
    assert not at.table  # no row repeats the cause, no message per row


def test_problem_tables_have_rows_whole_messages_and_empty_cells_empty(empty_db, tmp_path) -> None:
    con = store.connect(empty_db)
    ingest_file(con, write_xlsx(tmp_path / "m.xlsx", {"D": MEMBERS}), set_values=AI)
    pools = [["Pulje", "År", "Beløb"], ["AI-puljen 2020", 2020, 300_000]]
    ingest_file(con, write_xlsx(tmp_path / "p.xlsx", {"P": pools}))
    con.close()
    rows = [["Pulje", "År", "Projekt", "Modtager", "Beløb", "Status"],
            ["AI-puljen 2020", 2020, "A", "Rigshospitalet", 250_000, "Bevilget"],
            ["AI-puljen 2020", 2020, "B", "Rigshospitalet", 100_000, "Bevilget"],
            ["AI-puljen 2020", 2020, "C", "Rigshospitalet", "to hundrede", "Bevilget"]]  # fmt: skip
    at = _upload(_data_page(), _xlsx(tmp_path, "bev.xlsx", {"B": rows}), network=None)
    # Shown whole (st.table wraps), with row and column, escaped (data, never markup).
    errors, warnings = (t.value.map(lambda c: re.sub(r"\\(.)", r"\1", str(c))) for t in at.table[:2])
    # The row and the message first: what a phone shows without scrolling sideways.
    assert list(errors.iloc[0]) == [
        "4",
        "'to hundrede' kan ikke læses som et beløb.",
        "Beløb",
        "to hundrede",
        "B",
    ]
    capacity = warnings[warnings.iloc[:, 1].str.contains("kapacitet")]
    assert list(capacity.iloc[:, 0]) == ["2"]  # the over-capacity warning names a row
    assert "None" not in errors.to_string() and "None" not in warnings.to_string()
    # The members' similar-organisation warning names its row too.
    similar = [["Navn", "Organisation"], ["Bo Holm", "Amager og Hvidovre Hospitl"]]
    at = _upload(_data_page(), _xlsx(tmp_path, "ny.xlsx", {"D": similar}))
    warn = at.table[0].value.map(lambda c: re.sub(r"\\(.)", r"\1", str(c)))
    assert [warn.iloc[0, 0], warn.iloc[0, 2]] == ["2", "Organisation"] and "ligner" in warn.iloc[0, 1]


def test_widget_texts_are_danish_and_quarantine_is_explained(empty_db) -> None:
    at = _data_page()
    assert at.selectbox(key="upload_network").placeholder == "Vælg, eller skriv et nyt"
    skip = at.checkbox(key="upload_skip")
    assert skip.label == "Gem de gyldige rækker, og sæt rækker med fejl til side"
    assert "listes under 'Sat til side'" in skip.help
    assert "karantæne" not in (skip.label + skip.help).lower()


# ---------------------------------------------------------------- after a save, and in English


def _save(at: AppTest) -> AppTest:
    next(b for b in at.button if b.key and b.key.startswith("save_")).click().run()
    assert not at.exception
    return at


def test_a_receipt_never_offers_to_undo_what_the_history_already_undid(empty_db, tmp_path) -> None:
    at = _save(_upload(_data_page(), _xlsx(tmp_path, "a.xlsx", {"Deltagere": MEMBERS})))
    batch = int(re.search(r"indlæsning (\d+)", _text(at.success)).group(1))
    assert [b.key for b in at.button if b.key == "receipt_undo_0"]
    at.selectbox(key="hist_pick").set_value(batch).run()  # undone in the history tab
    at.button(key="undo_btn").click().run()
    at.button(key="confirm_yes").click().run()
    assert len(_people(empty_db)) == 0
    at.run()
    # The receipt says it was undone since, and offers no undo (which would in fact redo).
    assert not [b for b in at.button if b.key == "receipt_undo_0"]
    assert any("Fortrudt siden" in c.value for c in at.caption)
    assert len(_people(empty_db)) == 0


def test_after_a_save_the_settings_are_back_for_the_next_file(empty_db, tmp_path) -> None:
    at = _data_page()
    at.checkbox(key="upload_skip").check().run()
    at = _save(_upload(at, _xlsx(tmp_path, "a.xlsx", {"Deltagere": MEMBERS})))
    assert at.selectbox(key="upload_network").value is None  # the next file gets no network by accident
    assert at.checkbox(key="upload_skip").value is False


def test_counts_are_said_in_whole_words(empty_db, tmp_path) -> None:
    one = [["Navn", "Titel", "Organisation"], ["Tove Taster", "Sygeplejerske", "OUH"]]
    at = _upload(_data_page(), _xlsx(tmp_path, "en.xlsx", {"Deltagere": one}))
    assert next(b for b in at.button if b.key and b.key.startswith("save_")).label == "Gem (1 ny)"
    assert "Klar til at gemme: 1 ny" in _text(at.markdown)
    at = _save(at)
    assert "Gemt: 1 ny deltager i AI-Innovationsnetværket" in _text(at.success)


def test_a_rejected_sheet_does_not_count_rows_as_if_they_were_saved(empty_db, tmp_path) -> None:
    bad = [
        ["Navn", "Titel", "Organisation", "Indtrådt"],
        ["Bo", "Læge", "OUH", "32-13-2020"],
        ["Al", "Læge", "OUH", None],
    ]
    at = _upload(_data_page(), _xlsx(tmp_path, "b.xlsx", {"Deltagere": bad}))
    line = _text(at.markdown)
    assert "Afvist: intet gemmes: 1 række har fejl" in line and "1 nye" not in line and "1 ny," not in line
    assert "kan gemmes, hvis du vælger at sætte rækker med fejl til side" in line
    assert "Gem de gyldige rækker" in _text(at.error)  # the way out is named where the error is


def test_the_history_shows_danish_time_and_a_row_picks_its_upload(two_uploads) -> None:
    db, first, second = two_uploads
    at = _data_page()
    hist = next(d for d in at.dataframe if "Status" in d.value.columns)
    assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", hist.value.iloc[0]["Tidspunkt"])
    assert list(hist.value.columns[:3]) == ["Nr.", "Fil", "Status"]  # what a phone shows first


def test_the_redo_question_says_the_rows_come_back(two_uploads) -> None:
    db, first, second = two_uploads
    at = _data_page()
    at.selectbox(key="hist_pick").set_value(second).run()
    at.button(key="undo_btn").click().run()
    at.button(key="confirm_yes").click().run()
    at.selectbox(key="hist_pick").set_value(second).run()
    at.button(key="undo_btn").click().run()
    question = _text(at.warning)
    assert (
        f"Gendan indlæsning {second}" in question and "kommer tilbage, som indlæsningen gemte den" in question
    )
    assert "tidligere værdier" not in question


def test_the_preview_in_english_leaves_no_danish(empty_db, tmp_path) -> None:
    """The data page in English, a preview with sections, skipped rows and a problem: every text the
    page draws is English (the Danish catalog's texts do not appear)."""
    from babel.messages.pofile import read_po

    from translations import catalog_file

    with catalog_file("en").open("rb") as fh:
        danish = {m.id for m in read_po(fh, locale="en") if isinstance(m.id, str) and m.id != m.string}
    danish = {d for d in danish if len(d) > 3 and "{" not in d}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["lang"] = "English"
    at.run()
    at.switch_page("app_pages/data.py").run()
    at.selectbox(key="upload_network").set_value("AI-Innovationsnetværket").run()
    rows = MEMBERS + [["Bo", "Læge", "Rigshospitalt"], ["I alt"]]
    at.get("file_uploader")[0].set_value(_xlsx(tmp_path, "m.xlsx", {"Deltagere": rows})).run()
    assert not at.exception
    shown = [e.value for e in [*at.markdown, *at.caption, *at.warning, *at.info, *at.error, *at.subheader]]
    shown += [b.label for b in at.button] + [tab.label for tab in at.tabs]
    shown += [c for d in at.dataframe for c in d.value.columns] + [
        c for tb in at.table for c in tb.value.columns
    ]
    left = sorted({d for d in danish for s in shown if d == s or (len(d.split()) > 2 and d in s)})
    assert left == []
    assert "Ready to save" in _text(at.markdown)


def _type_new(at: AppTest, key: str, text: str) -> None:
    """Type a new option into an accept_new_options select box: the browser sends the text itself,
    which AppTest's set_value only does for a listed option."""
    box = at.selectbox(key=key)
    box.options.append(text)
    box.set_value(text)


def test_a_network_typed_that_does_not_exist_is_said_to_be_new_before_anything_is_saved(two_uploads) -> None:
    """A typo in the network for the whole sheet would be saved as a second network beside the real one."""
    at = _data_page()
    at.selectbox(key="upload_network").set_value(AI["network"]).run()
    assert "nyt netværk" not in _text(at.info)
    _type_new(at, "upload_network", "AI-Innovations")
    _type_new(at, "upload_region", "Region Nordjyland")
    at.run()  # (once: AppTest cannot run again with a value its new option list lacks)
    assert "'AI-Innovations' er et nyt netværk" in _text(at.info)
    assert "'Region Nordjyland' er en ny region" in _text(at.info)


def test_a_file_name_with_markup_is_shown_as_written_never_as_a_link_or_image(empty_db, tmp_path) -> None:
    """The file name is text from outside (issue 12, finding 5): its heading shows it as written."""
    name = "**FED** [klik](http://host.example/x) ![px](http://host.example/p.png) <b>b</b>.xlsx"
    _, data, mime = _xlsx(tmp_path, "medlemmer.xlsx", {"Deltagere": MEMBERS})
    at = _upload(_data_page(), (name, data, mime))
    [heading] = [h.value for h in at.subheader if "FED" in h.value]
    assert heading == safe.md(name)  # every markdown and HTML character escaped: shown, not rendered
    assert "<b>" not in heading and "](" not in heading and "**" not in heading


def test_a_big_file_shows_its_stages_with_the_rows_read_so_far(empty_db, tmp_path, monkeypatch) -> None:
    """Reading, checking, comparing: each stage named as it runs, and once read how many rows (a
    100k-row upload never looks frozen). Here every file counts as big; the bar's texts are kept."""
    import streamlit

    from dashboard import upload_view

    shown: list[str] = []

    class Bar:
        def progress(self, value: float, text: str = "") -> None:
            assert 0.0 <= value <= 1.0
            shown.append(text)

        def empty(self) -> None:
            pass

    class St:
        """Streamlit for the data page, but for the progress bar."""

        def __getattr__(self, name: str):
            return getattr(streamlit, name)

        def progress(self, value: float, text: str = "") -> Bar:
            shown.append(text)
            return Bar()

    monkeypatch.setattr(upload_view, "BIG_FILE", 0)
    monkeypatch.setattr(upload_view, "st", St())
    at = _upload(_data_page(), _xlsx(tmp_path, "medlemmer.xlsx", {"Deltagere": MEMBERS}))
    assert not at.exception
    rows = len([r for r in MEMBERS if r])  # the rows with something in them
    assert f"{rows} rækker læst …" in shown, shown
    assert f"Tjekker ark 1 af 1 … ({rows} rækker)" in shown, shown
    assert f"Sammenligner med databasen … ({rows} rækker)" in shown, shown


def test_a_whole_list_previews_changed_rows_old_and_new_and_the_rows_it_will_remove(
    two_uploads, tmp_path
) -> None:
    """Ticking 'the sheet is the whole list': the preview has a tab of changed rows (before and
    after, side by side) and one of the rows that will be removed, each with its count."""
    db, _first, _second = two_uploads
    changed = [list(r) for r in MEMBERS]
    changed[3] = ["Anna Pors", "Overlæge", "Amager og Hvidovre Hospital"]  # a new title
    del changed[4]  # Freddy Lippert is no longer on the list
    at = _data_page()
    at.checkbox(key="upload_replace").check().run()
    at = _upload(at, _xlsx(tmp_path, "hele.xlsx", {"Deltagere": changed}))
    tabs = [t.label for t in at.tabs]
    assert "Ændrede (1)" in tabs and "Fjernes (2)" in tabs, tabs  # Freddy Lippert and Mads Nielsen
    before_after = next(d.value for d in at.dataframe if "Efter" in d.value.columns)
    assert list(before_after["Før"]) == ["1. reservelæge, ph.d."] and list(before_after["Efter"]) == [
        "Overlæge"
    ]
    removed = next(
        d.value
        for d in at.dataframe
        if "Navn" in d.value.columns and "Freddy Lippert" in set(d.value["Navn"])
    )
    assert set(removed["Navn"]) == {"Freddy Lippert", "Mads Nielsen"}
    assert "Freddy Lippert" in _people(db)  # a preview writes nothing


def test_the_receipts_undo_asks_then_takes_back_exactly_that_upload(empty_db, tmp_path) -> None:
    at = _upload(_data_page(), _xlsx(tmp_path, "medlemmer.xlsx", {"Deltagere": MEMBERS}))
    next(b for b in at.button if b.key and b.key.startswith("save_")).click().run()
    assert len(_people(empty_db)) == 6
    at.button(key="receipt_undo_0").click().run()
    assert "medlemmer.xlsx" in _text(at.warning) and len(_people(empty_db)) == 6  # asked, not done
    at.button(key="receipt_yes_0").click().run()
    assert not at.exception
    assert _people(empty_db) == []
    assert not [b for b in at.button if b.key and b.key.startswith("receipt_undo_")]  # the receipt is gone

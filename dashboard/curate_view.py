"""The data page's tab for networks and organisations: end a network, and keep the organisation list
(merge a name written another way into its organisation, keep it apart, split an alias off, rename
an organisation). Each change is a batch (dashboard/curate.py): in the history, and undone there
like any upload."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import access, charts, curate, db, queries, safe, widgets
from dashboard.i18n import lang, t

SHOWN = 15  # suggestions shown at once: the most used names first


def _done(result: curate.Done, what: str) -> None:
    if result.ok:
        access.audit("upload", "data", f"{what}: batch {', '.join(map(str, result.batches))}")
        db.clear_caches()
    st.session_state["curate_result"] = (result.ok, result.message)


def _user() -> str:
    w = access.who()
    return w.name if w else "ukendt"


def draw(con: Any) -> None:
    L = lang()
    if (r := st.session_state.pop("curate_result", None)) is not None:
        (st.success if r[0] else st.error)(safe.md(r[1]))
    _networks(con, L)
    st.divider()
    _organisations(con, L)


def _networks(con: Any, L: str) -> None:
    st.subheader(t("Netværk, der er ophørt"))
    states = queries.network_states(dt.date.today().isoformat())
    if states.empty:
        st.info(t("Ingen netværk endnu."))
        return
    quiet = states[states["ended"].isna() & (states["days_since"].fillna(0) > 365)]
    if not quiet.empty:
        st.caption(
            safe.md(
                t("Intet møde i over et år og ingen slutdato: {names}.").format(
                    names=", ".join(quiet["network"])
                )
            )
        )
    c1, c2, c3 = st.columns([3, 2, 2])
    network = c1.selectbox(
        t("Netværk"), list(states["network"]), index=None, key="end_network", placeholder=t("Vælg et netværk")
    )
    ended = c2.date_input(t("Afsluttet den"), value=None, key="end_date", format="DD.MM.YYYY")

    def end() -> None:
        result = curate.save_rows(
            con, "networks", ["network", "ended"], [[network, ended]],
            name=t("slutdato for {network}").format(network=network) + ".xlsx", user=_user(), lang=L,
        )  # fmt: skip
        _done(result, f"{network} ended {ended}")

    c3.button(t("Sæt slutdato"), key="end_go", disabled=not (network and ended), on_click=end)


def _organisations(con: Any, L: str) -> None:
    st.subheader(t("Organisationer"))
    st.caption(
        t(
            "Navne skrevet forskelligt samles i én organisation på alle sider. Overblik foreslår navne, der ligner "
            "en organisation på listen; hver ændring kan fortrydes under Historik."
        )
    )
    names = queries.organisation_names()
    found = curate.suggestions(names["written"], names["canonical"])

    def merge(name: str, into: str) -> None:
        _done(
            curate.save_rows(con, "org_aliases", ["alias", "canonical"], [[name, into]],
                             name=t("organisationer") + ".xlsx", user=_user(), lang=L),
            f"{name} -> {into}",
        )  # fmt: skip

    def apart(name: str) -> None:  # the name is an organisation of its own: never suggested again
        _done(
            curate.save_rows(con, "org_aliases", ["alias", "canonical"], [[name, name]],
                             name=t("organisationer") + ".xlsx", user=_user(), lang=L),
            f"{name} kept apart",
        )  # fmt: skip

    if found:
        st.markdown("##### " + t("Forslag: navne, der ligner en organisation ({n})").format(n=len(found)))
        for i, (name, like, uses) in enumerate(found[:SHOWN]):
            c1, c2, c3 = st.columns([5, 2, 2])
            c1.markdown(
                safe.md(t("'{name}' ligner '{like}' (brugt {n} gange)").format(name=name, like=like, n=uses))
            )
            c2.button(t("Samme organisation"), key=f"merge_{i}", on_click=merge, args=(name, like))
            c3.button(t("Hold adskilt"), key=f"apart_{i}", on_click=apart, args=(name,))
        if len(found) > SHOWN:
            st.caption(t("Viser de {n} mest brugte.").format(n=SHOWN))
    else:
        st.caption(t("Ingen forslag: hvert navn er en organisation på listen, eller ligner ingen."))

    _rename(con, L, names["canonical"])
    aliases: pd.DataFrame = names["aliases"]
    if aliases.empty:
        return
    st.markdown("##### " + t("Listen: navn som skrevet og organisationen"))
    shown = aliases.assign(sector=[charts.label(x, L) for x in aliases["sector"]]).rename(
        columns={"alias": t("Skrevet som"), "canonical": t("Organisation"), "sector": t("Sektor")}
    )
    widgets.table(shown, "aliases")
    pairs = [(a, c) for a, c in zip(aliases["alias"], aliases["canonical"], strict=True) if a != c]
    if not pairs:
        return
    c1, c2 = st.columns([5, 2])
    chosen = c1.selectbox(
        t("Skil et navn fra sin organisation"), pairs, index=None, key="split_pick",
        format_func=lambda p: f"{p[0]} → {p[1]}", placeholder=t("Vælg et navn"),
    )  # fmt: skip

    def split(pair: tuple[str, str]) -> None:
        alias, canonical = pair
        keep = [[a, c] for a, c in zip(aliases["alias"], aliases["canonical"], strict=True) if c == canonical]
        keep = [r for r in keep if r[0] != alias] or [[canonical, canonical]]
        # The organisation's whole list without the name: the name is its own organisation again.
        _done(
            curate.save_rows(con, "org_aliases", ["alias", "canonical"], keep, name=t("organisationer") + ".xlsx",
                             user=_user(), lang=L, replace=True),
            f"{alias} split from {canonical}",
        )  # fmt: skip
        st.session_state["split_pick"] = None

    c2.button(t("Skil fra"), key="split_go", disabled=chosen is None, on_click=split, args=(chosen,))


def _rename(con: Any, L: str, canonical: list[str]) -> None:
    """Give an organisation a new name: every name written for it follows, undone under Historik."""
    if not canonical:
        return
    st.markdown("##### " + t("Omdøb en organisation"))
    c1, c2, c3 = st.columns([3, 3, 2], vertical_alignment="bottom")
    old = c1.selectbox(
        t("Organisation"), canonical, index=None, key="rename_pick", placeholder=t("Vælg en organisation")
    )
    new = c2.text_input(t("Nyt navn"), key="rename_to", max_chars=200)

    def rename() -> None:
        _done(curate.rename(con, old, new, user=_user(), lang=L), f"{old} renamed {new}")
        st.session_state["rename_pick"], st.session_state["rename_to"] = None, ""

    ready = bool(old and new.strip() and new.strip() != old)
    c3.button(t("Omdøb"), key="rename_go", disabled=not ready, on_click=rename)
    if old and new.strip() in canonical and new.strip() != old:
        st.caption(t("'{new}' findes allerede: de to organisationer bliver til én.").format(new=new.strip()))

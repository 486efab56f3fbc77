"""Overblik: one trustworthy overview of regional health-innovation networks and their funding."""

from pathlib import Path

import streamlit as st

import store
from dashboard import access, db, errors
from dashboard.filters import asof_banner, language_switch, sidebar
from dashboard.i18n import t
from dashboard.page import setup as page_setup
from loaders.isolate import Limits
from translations import N_

# The icon is a file of the app's own: a material or emoji icon here is fetched by every browser
# from a host on the internet.
st.set_page_config(
    page_title="Overblik", page_icon=str(Path(__file__).parent / "assets" / "overblik.png"), layout="wide"
)


def _refused() -> None:
    """A page the role may not use: absent from its navigation, and its address says so."""
    st.title(t("Ingen adgang"))
    access.require("never")  # pragma: no cover - access.require stops the page


PAGES = [
    # (script, title, icon, url_path); "" is the overview, the default page.
    ("app_pages/overview.py", N_("Overblik"), ":material/dashboard:", ""),
    ("app_pages/network_activity.py", N_("Netværksaktivitet"), ":material/event:", "netvaerk"),
    ("app_pages/people.py", N_("Personer og organisationer"), ":material/groups:", "personer"),
    ("app_pages/projects.py", N_("Projekter"), ":material/hub:", "projekter"),
    ("app_pages/eu_projects.py", N_("EU-projekter"), ":material/euro:", "eu"),
    ("app_pages/funding_pools.py", N_("Puljer"), ":material/savings:", "puljer"),
    ("app_pages/data.py", N_("Data"), ":material/upload_file:", "data"),
    ("app_pages/admin.py", N_("Administration"), ":material/admin_panel_settings:", "admin"),
    ("app_pages/glossary.py", N_("Begreber"), ":material/menu_book:", "begreber"),
    ("app_pages/accessibility.py", N_("Tilgængelighed"), ":material/accessibility_new:", "tilgaengelighed"),
]
# Pages the sidebar's filters do not affect: not shown there (the language switch is).
UNFILTERED = ("data", "admin", "tilgaengelighed", "begreber")

who = access.who()
if who is None:  # a login is configured and nobody is logged in: the login page only
    access.login_page()
    st.stop()
pages = []
for script, title, icon, url_path in PAGES:
    if access.page_allowed(url_path, who.role):
        pages.append(
            st.Page(
                script,
                title=t(title),
                icon=icon,
                **({"url_path": url_path} if url_path else {"default": True}),
            )
        )
    else:  # the address is refused with a message, and the page is not in the navigation
        pages.append(st.Page(_refused, title=t(title), url_path=url_path, visibility="hidden"))
nav = st.navigation(pages)
try:
    st.session_state["_page"] = nav.url_path or "overblik"  # where an audited action happened
    access.audit_login(who)
    access.session_box(who)
    db.start_run(live=nav.url_path in ("data", "admin"))  # these act on the store as it is now
    if nav.url_path not in UNFILTERED:
        sidebar()  # the global filters do not apply to the data page: not shown there
        asof_banner()
    else:
        language_switch()
    with st.sidebar:
        page_setup(Limits.from_env().max_file_mb)
    nav.run()
except Exception as exc:
    if store.is_damage(exc):  # the catalog or a data file went missing or bad while running
        errors.store_damaged(exc)
    else:  # our own bug: an error id and a plain sentence, never a traceback
        errors.show_internal(exc)

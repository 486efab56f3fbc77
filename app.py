"""Overblik: one trustworthy overview of regional health-innovation networks and their funding."""

from pathlib import Path

import streamlit as st

import store
from dashboard import db, errors
from dashboard.filters import asof_banner, language_switch, sidebar
from dashboard.i18n import t

# The icon is a file of the app's own: a material or emoji icon here is fetched by every browser
# from a host on the internet.
st.set_page_config(
    page_title="Overblik", page_icon=str(Path(__file__).parent / "assets" / "overblik.png"), layout="wide"
)

pages = [
    st.Page(
        "app_pages/overview.py",
        title=t("Overblik"),
        icon=":material/dashboard:",
        default=True,
    ),
    st.Page(
        "app_pages/network_activity.py",
        title=t("Netværksaktivitet"),
        icon=":material/event:",
        url_path="netvaerk",
    ),
    st.Page(
        "app_pages/people.py",
        title=t("Personer og organisationer"),
        icon=":material/groups:",
        url_path="personer",
    ),
    st.Page("app_pages/eu_projects.py", title=t("EU-projekter"), icon=":material/euro:", url_path="eu"),
    st.Page("app_pages/funding_pools.py", title=t("Puljer"), icon=":material/savings:", url_path="puljer"),
    st.Page("app_pages/data.py", title=t("Data"), icon=":material/upload_file:", url_path="data"),
]
nav = st.navigation(pages)
try:
    db.start_run(live=nav.url_path == "data")  # the data page acts on the store as it is now
    if nav.url_path != "data":
        sidebar()  # the global filters do not apply to the data page: not shown there
        asof_banner()
    else:
        language_switch()
    nav.run()
except Exception as exc:
    if store.is_damage(exc):  # the catalog or a data file went missing or bad while running
        errors.store_damaged(exc)
    else:  # our own bug: an error id and a plain sentence, never a traceback
        errors.show_internal(exc)

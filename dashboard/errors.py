"""Our own bugs never reach a user as a traceback: a short message with an error id, the details in the log."""

from __future__ import annotations

import logging
import uuid

import streamlit as st

from dashboard.i18n import t

log = logging.getLogger("overblik")


def report(exc: BaseException) -> str:
    """Log exc with its traceback under a new error id; return the id."""
    error_id = uuid.uuid4().hex[:8]
    log.error("error id %s", error_id, exc_info=exc)
    return error_id


def show_internal(exc: BaseException) -> None:
    """Tell the user something went wrong on our side, with the id the log holds."""
    error_id = report(exc)
    st.error(
        t(
            "Der opstod en fejl i Overblik (fejl-id {id}). Intet er gemt. Prøv igen; sker det igen, "
            "så giv fejl-id'et til den, der driver Overblik."
        ).format(id=error_id)
    )

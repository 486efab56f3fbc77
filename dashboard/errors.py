"""Our own bugs never reach a user as a traceback: a short message with an error id, the details in the log."""

from __future__ import annotations

import logging
import uuid

import streamlit as st

from dashboard.i18n import t
from translations import N_

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


def store_damaged(exc: BaseException) -> None:
    """The store cannot be opened or read: say what is wrong and what brings it back (no traceback,
    no crash loop: the next rerun tries again). Paths stay in the log, under the error id."""
    import store

    error_id = report(exc)
    if isinstance(exc, store.LegacyStore):
        text = N_(
            "Overblik kan ikke åbne sine data: de er gemt i formatet fra før version 3. Den, der driver "
            "Overblik, flytter dem over med `python -m loaders rebuild --from` (se docs/deploy.md). "
            "Fejl-id {id}."
        )
    else:
        text = N_(
            "Overblik kan ikke læse sine data: kataloget eller en datafil mangler eller er beskadiget. "
            "Intet er ændret. Den, der driver Overblik, kan hente den seneste sikkerhedskopi tilbage "
            "(`python -m loaders restore`) eller genopbygge fra de gemte originalfiler "
            "(`python -m loaders rebuild`); se docs/deploy.md. Fejl-id {id}."
        )
    st.error(t(text).format(id=error_id))

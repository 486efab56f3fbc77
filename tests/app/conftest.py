"""Spies on what the app hands Streamlit: its navigation, and the data of every download button
(a download's data is made only when clicked; the spy keeps the function so a test can click)."""

from __future__ import annotations

import io
import zipfile

import pytest
from streamlit.delta_generator import DeltaGenerator


@pytest.fixture
def spies(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """{"nav": [the pages of each st.navigation call], "downloads": [(label, file_name, data)]}."""
    import streamlit as st

    seen: dict[str, list] = {"nav": [], "downloads": []}
    real_nav = st.navigation

    def navigation(pages, *a, **k):
        seen["nav"].append(list(pages))
        return real_nav(pages, *a, **k)

    monkeypatch.setattr(st, "navigation", navigation)
    real_method = DeltaGenerator.download_button
    real_function = st.download_button  # bound to the main area when streamlit was imported

    def method(self, label, data, *a, **k):
        seen["downloads"].append((label, k.get("file_name"), data))
        return real_method(self, label, data, *a, **k)

    def function(label, data, *a, **k):
        seen["downloads"].append((label, k.get("file_name"), data))
        return real_function(label, data, *a, **k)

    monkeypatch.setattr(DeltaGenerator, "download_button", method)
    monkeypatch.setattr(st, "download_button", function)
    return seen


def click(data) -> bytes:
    """What a download button gives when clicked."""
    raw = data() if callable(data) else data
    return raw.encode() if isinstance(raw, str) else bytes(raw)


def as_text(raw: bytes) -> str:
    """A download's content as text (an .xlsx or .zip: every part)."""
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return raw.decode("utf-8-sig", "replace")

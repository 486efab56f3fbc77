"""What every page sets up in the browser that Streamlit does not let an app set: <html lang>, a
visible focus ring, and the skip link and the file uploader's size note in the page's language. Our own fixed text
and CSS only; nothing from data ever goes here."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import lang, t

# A focus ring that can be seen (WCAG 2.4.7): Streamlit's own is a faint border or background on
# some widgets. The select boxes draw the ring on the box around their input.
_FOCUS = """
a:focus-visible, button:focus-visible, summary:focus-visible, [role="tab"]:focus-visible,
[role="radio"]:focus-visible, [role="checkbox"]:focus-visible, input:focus-visible,
textarea:focus-visible {
  outline: 3px solid #005a9c !important; outline-offset: 2px !important;
}
.react-aria-ComboBox [role="group"]:focus-within {
  outline: 3px solid #005a9c !important; outline-offset: 1px !important;
}
.react-aria-ComboBox input:focus-visible { outline: none !important; }
"""
# Streamlit writes the uploader's size note itself, in English ("50MB per file").
_UPLOADER_NOTE = """
[data-testid="stFileUploaderDropzoneInstructions"] > div > span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "%s"; font-size: 0.875rem; color: rgba(14, 17, 23, 0.7);
}
"""


def setup(max_file_mb: int) -> None:
    """<html lang> says the page's language (screen readers pronounce by it; Streamlit's index page
    always says 'en'), focus is visible, and the uploader's size note is in the page's language."""
    code = lang()
    note = t("Højst {mb} MB pr. fil").format(mb=max_file_mb).replace('"', "")
    # Streamlit's skip link (the first thing a keyboard or screen-reader user meets) is English.
    skip = t("Gå til hovedindholdet").replace("'", "")
    st.html(
        f"<script>document.documentElement.lang = '{code}';"
        f"for (const a of document.querySelectorAll('[data-testid=\"stSkipToContent\"]'))"
        f" {{ a.textContent = '{skip}'; }}</script>"
        f"<style>{_FOCUS}{_UPLOADER_NOTE % note}</style>",
        unsafe_allow_javascript=True,
    )

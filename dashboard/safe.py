"""Text from an upload is data, never markup: one escaping rule for every markdown-rendering element.

Streamlit renders markdown (links, images, emphasis, bare addresses made links), its own
directives (":red[...]", ":material/icon:") and LaTeX ("$...$") in st.markdown, captions,
alerts, subheaders, labels, help texts and st.table cells. `md(text)` makes user text show
literally there.
"""

from __future__ import annotations

import html
import re

# CommonMark lets a backslash escape any ASCII punctuation; ':' and '$' stop Streamlit's directives
# and LaTeX, '<' and '&' are HTML-escaped.
_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$>\"'=^])")


# Markdown also makes links of bare addresses ('http://...', 'www.', 'a@b.dk') whatever is escaped:
# a zero-width space inside each keeps it text, and the reader sees the same characters.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(?=://)|(?<=\bwww)(?=\.)|(?=@[a-z0-9])")
_ZWSP = "\u200b"


def md(text: object) -> str:
    """User text for a markdown-rendering element: shown exactly as written, nothing rendered."""
    s = "" if text is None else str(text)
    s = _AUTOLINK.sub(_ZWSP, s)
    s = html.escape(s, quote=False)
    s = _PUNCT.sub(r"\\\1", s)
    # A line break would start a new markdown block (a heading, a list): keep the text on one line.
    return re.sub(r"\s*[\r\n]+\s*", " ", s)

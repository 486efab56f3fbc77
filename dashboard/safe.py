"""Text from an upload is data, never markup: one escaping rule for every markdown-rendering element.

Streamlit renders markdown (links, images, emphasis), its own directives (":red[...]",
":material/icon:") and LaTeX ("$...$") in st.markdown, captions, alerts, subheaders, labels and
help texts. `md(text)` makes user text show literally there.
"""

from __future__ import annotations

import html
import re

# CommonMark lets a backslash escape any ASCII punctuation; ':' and '$' stop Streamlit's directives
# and LaTeX, '<' and '&' are HTML-escaped.
_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$>\"'=^])")


def md(text: object) -> str:
    """User text for a markdown-rendering element: shown exactly as written, nothing rendered."""
    s = "" if text is None else str(text)
    s = html.escape(s, quote=False)
    s = _PUNCT.sub(r"\\\1", s)
    # A line break would start a new markdown block (a heading, a list): keep the text on one line.
    return re.sub(r"\s*[\r\n]+\s*", " ", s)

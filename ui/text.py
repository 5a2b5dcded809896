"""User text (names from imports, accounts, share agencies) shown inside Streamlit markdown as
the characters typed: never a link, an image, a heading, a list or emphasis.

Streamlit's markdown honours a backslash before ASCII punctuation. Escaping the characters that
start markdown constructs is enough (``[`` and ``]`` alone disarm links, images and Streamlit's
``:red[...]`` directives); a leading ``-``, ``+``, ``=`` or ``1.`` would start a list or a
heading line. HTML is not rendered by st.markdown (unsafe_allow_html stays off); line breaks
become spaces (a name is one line). Plain names such as "Room 114 (Library)" stay unchanged.

>>> plain("![x](http://evil.example/p.png) **Room** #1")
'\\\\!\\\\[x\\\\](http://evil.example/p.png) \\\\*\\\\*Room\\\\*\\\\* \\\\#1'
>>> plain("Cedar Valley High (main)"), plain("- 1. sneaky")
('Cedar Valley High (main)', '\\\\- 1. sneaky')
"""

from __future__ import annotations

import re

_MARKUP = re.compile(r"([\\`*_\[\]#!|~$<>{}])")
_LINE_START = re.compile(r"^([-+=]|\d+[.)])")


def plain(value: object) -> str:
    """``value`` as text for st.markdown / st.subheader / captions, shown verbatim."""
    text = " ".join(str(value if value is not None else "").split())
    return _LINE_START.sub(r"\\\1", _MARKUP.sub(r"\\\1", text))

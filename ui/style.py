"""Page-wide CSS: less empty space above the map so it fits a laptop screen or a projector."""

import streamlit as st

_CSS = """
<style>
.block-container {padding-top: 2.2rem; padding-bottom: 1rem;}
/* a phone: Streamlit's header (the sidebar's open button) lies over the page's top */
@media (max-width: 640px) {.block-container {padding-top: 3.6rem;}}
/* pills (the maps' layer toggles) wrap in a narrow column instead of scrolling out of sight */
[data-testid="stButtonGroup"] [role="toolbar"] {flex-wrap: wrap; overflow-x: visible;
  mask-image: none;}
h3 {padding-top: 0.2rem;}
.pm-legend {break-inside: avoid;}
</style>
"""


def apply() -> None:
    st.html(_CSS)

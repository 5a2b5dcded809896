"""Streamlit helpers shared by the pages: the cached store and queries, the shared pickers,
the compliance assessment, the detail panel. The core package (passmap/) never imports this."""

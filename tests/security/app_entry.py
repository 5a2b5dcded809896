"""Runs the real app.py for AppTest from outside the repo root.

Why: AppTest auto-registers the sibling ``pages/`` folder of the script it is given, and
``switch_page("pages/x.py")`` before app.py has run can then execute the page file directly,
skipping app.py (gate, navigation filter, pickers). From here there is no sibling ``pages/``,
so every page is reached only through app.py's st.navigation, as in the real server.
"""

import runpy
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
runpy.run_path(str(REPO / "app.py"), run_name="__main__")

"""PassMap core: PASS compliance on campus maps and floor plans. Knows nothing of the UI."""

__version__ = "0.1.0"

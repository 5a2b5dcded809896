"""One answer to "is this value missing?" for values read from frames, rows and JSON.

A frame hands back None, float NaN, numpy NaN, pandas NA or NaT for "no value", depending on
the column's dtype; every reader asks these helpers instead of testing one of the spellings.

>>> [is_missing(v) for v in (None, float("nan"), pd.NaT, pd.NA, 0, "", [float("nan")])]
[True, True, True, True, False, False, False]
>>> optional_int(3.0), optional_int(float("nan"))
(3, None)
>>> optional_float("2.5"), optional_float(None, 15.0)
(2.5, 15.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

_CONTAINERS = (list, tuple, dict, set, np.ndarray)


def is_missing(value: Any) -> bool:
    """True for None, NaN, pandas NA and NaT; a container is never "missing" (its items may be)."""
    if value is None:
        return True
    if isinstance(value, _CONTAINERS):
        return False
    return bool(pd.isna(value))


def optional_int(value: Any) -> int | None:
    """``int(value)``, or None when it is missing (a tier read from a frame)."""
    return None if is_missing(value) else int(value)


def optional_float(value: Any, default: float | None = None) -> float | None:
    """``float(value)``, or ``default`` when it is missing."""
    return default if is_missing(value) else float(value)


def text_or_empty(value: Any) -> str:
    """``str(value)``, or "" when it is missing (labels and search keys)."""
    return "" if is_missing(value) else str(value)

"""The suite's own settings hold: Hypothesis deadlines suited to a loaded CI box."""

import os
from datetime import timedelta

from hypothesis import settings

DEADLINES = {"ci": timedelta(seconds=5), "dev": timedelta(milliseconds=500)}


def test_the_hypothesis_profile_sets_a_deadline_for_a_loaded_machine():
    profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")  # tests/conftest.py loads it
    assert settings().deadline == DEADLINES[profile]
    assert settings.get_profile("ci").deadline == DEADLINES["ci"]

"""The examples in the core's docstrings run and hold (STYLE.md habit 10)."""

import doctest
import importlib
import pkgutil

import pytest

import passmap

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(passmap.__path__, "passmap.")
    if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"

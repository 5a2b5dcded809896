"""The examples in the docstrings of the core and the layer builders run and hold (STYLE.md
habit 10)."""

import doctest
import importlib
import pkgutil

import pytest

import layers
import passmap

MODULES = sorted(
    m.name
    for package in (passmap, layers)
    for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
    if not m.name.endswith("__main__")
)


def test_both_packages_are_collected():
    assert "layers.deck" in MODULES and "passmap.geometry" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"

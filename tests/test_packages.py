"""The project's top-level packages are this repository's folders, never PyPI packages of the same name.

``schema``, ``models``, ``admin`` and ``services`` are also names of unrelated PyPI
distributions; if a dependency ever pulls one in, imports would silently resolve to it.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["schema", "models", "admin", "resolvers", "services"]


@pytest.mark.parametrize("name", PACKAGES)
def test_package_is_imported_from_the_repository(name: str) -> None:
    module = importlib.import_module(name)

    assert module.__file__ is not None, f"{name} is a namespace package: add {name}/__init__.py"
    path = Path(module.__file__).resolve()
    assert path == ROOT / name / "__init__.py", f"{name} comes from {path}, not from {ROOT / name}"


@pytest.mark.parametrize("name", PACKAGES)
def test_package_is_not_installed_as_a_distribution(name: str) -> None:
    """No installed distribution ships a top-level module with one of our names."""
    from importlib.metadata import packages_distributions

    assert name not in packages_distributions(), (
        f"installed distribution(s) {packages_distributions()[name]} provide a top-level '{name}'")

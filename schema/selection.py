"""What a query selected below a field, fragments flattened (to read only what is asked for)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.types.nodes import SelectedField


def children(selections: Iterable[Any]) -> dict[str, list[Any]]:
    """Field name → the selections under it, over every occurrence and fragment.

    ``@include`` / ``@skip`` are not evaluated: a field they may drop still counts as
    selected, so this errs towards reading a column too many, never one too few.
    """
    found: dict[str, list[Any]] = {}
    for selection in selections:
        if isinstance(selection, SelectedField):
            found.setdefault(selection.name, []).extend(selection.selections)
        else:  # a fragment spread or an inline fragment
            for name, below in children(selection.selections).items():
                found.setdefault(name, []).extend(below)
    return found


def path(selections: Iterable[Any], *names: str) -> dict[str, list[Any]]:
    """``children`` of the field reached through ``names`` (e.g. ``"edges", "node"``)."""
    found = children(selections)
    for name in names:
        found = children(found.get(name, []))
    return found

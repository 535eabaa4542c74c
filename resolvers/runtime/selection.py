"""What a query selected below a field, fragments flattened (to read only what is asked for)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.types.nodes import SelectedField

from resolvers.runtime.hooks import field_nodes


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


#: Field node → (the node, its selections as Strawberry gives them). Converting a selection to
#: Strawberry's ``SelectedField`` tree walks the whole document below the field on every request;
#: the documents themselves are cached (``resolvers.limits``), so their nodes repeat. The node is
#: kept with the answer, so an id is never mistaken for a node that was freed and replaced.
_SELECTED: dict[int, tuple[Any, list[Any]]] = {}
_SELECTED_MAX = 512


def selected(info: Any) -> list[Any]:
    """``info.selected_fields[0].selections``, converted once per document field.

    For names and nesting only (what :func:`children` and :func:`path` read): argument values in
    the cached tree are those of the request that first converted it.
    """
    node = field_nodes(info)[0]
    hit = _SELECTED.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    selections = info.selected_fields[0].selections
    if len(_SELECTED) >= _SELECTED_MAX:
        _SELECTED.clear()
    _SELECTED[id(node)] = (node, selections)
    return selections

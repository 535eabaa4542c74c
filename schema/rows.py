"""Rows read with Core, handed to the GraphQL types in place of ORM instances.

A list page or a lookup reads a dozen columns of a model; as ORM instances every row pays for
an identity-map entry, an ``InstanceState`` and, with ``load_only``, a deferred loader per
column it did not load (1,650 per 50-row page of customers): more than the SQL itself.
:func:`view` makes, once per model and column set, a small read-only class over a tuple: the
columns are attributes (``row.last_name``), and the model's own properties (``full_name``)
work on it unchanged, because they only read columns. The GraphQL types recognise a view of
their model as one of theirs (``schema.generate``: ``is_type_of``).

A field that reads a column the view does not carry raises ``AttributeError``; the types'
column tables (e.g. ``schema.types.customer.FIELD_COLUMNS``) make sure it carries every
column the selection needs, and fall back to whole ORM rows for anything they do not know.
"""

from __future__ import annotations

from collections import namedtuple
from functools import lru_cache
from typing import Any

#: Attribute of a view class naming the model it shows.
MODEL = "__model__"


@lru_cache(maxsize=256)
def view(model: type, keys: tuple[str, ...]) -> type:
    """The read-only view class of ``model`` with the columns ``keys`` (in this order), built once.

    Instances are made from a Core row with the same columns: ``cls._make(row)``.
    """
    base = namedtuple(f"{model.__name__}Row", keys)  # type: ignore[misc]
    namespace: dict[str, Any] = {"__slots__": (), MODEL: model}
    for klass in reversed(model.__mro__):  # the model's plain properties (full_name, …), nearest last
        for name, member in vars(klass).items():
            if isinstance(member, property) and name not in keys:
                namespace[name] = member
    return type(base.__name__, (base,), namespace)


def model_of(obj: Any) -> type | None:
    """The model a view shows, or None for anything else."""
    return getattr(type(obj), MODEL, None)

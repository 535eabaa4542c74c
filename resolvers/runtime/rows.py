"""Rows read with Core, handed to the GraphQL types in place of ORM instances.

A list page or a lookup reads a dozen columns of a model; as ORM instances every row pays for
an identity-map entry, an ``InstanceState`` and, with ``load_only``, a deferred loader per
column it did not load (1,650 per 50-row page of customers): more than the SQL itself.
:func:`view` makes, once per model and column set, a small read-only class over a tuple: the
columns are attributes (``row.last_name``), and the model's own properties (``full_name``)
work on it unchanged, because they only read columns. The GraphQL types recognise a view of
their model as one of theirs (``schema.generate``: ``is_type_of``).

A field that reads a column the view does not carry raises ``AttributeError``; the types'
column maps (e.g. ``schema.types.customer.COLUMNS``, with the columns links and derived fields
declare) make sure it carries every
column the selection needs, and fall back to whole ORM rows for anything they do not know.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import inspect
from strawberry.utils.str_converters import to_snake_case

#: Attribute of a view class naming the model it shows.
MODEL = "__model__"


@lru_cache(maxsize=256)
def view(model: type, keys: tuple[str, ...]) -> type:
    """The read-only view class of ``model`` with the columns ``keys`` (in this order), built once.

    Instances are made from a Core row with the same columns: ``cls._make(row)``.
    """
    base = namedtuple(f"{model.__name__}Row", keys)  # type: ignore[misc]
    namespace: dict[str, Any] = {"__slots__": ()}
    for klass in reversed(model.__mro__):  # the model's plain properties (full_name, …), nearest last
        for name, member in vars(klass).items():
            if isinstance(member, property) and name not in keys:
                namespace[name] = member
    return type(base.__name__, (base, view_base(model)), namespace)


@lru_cache(maxsize=128)
def view_base(model: type) -> type:
    """The common base of every view of ``model``: ``isinstance(obj, view_base(model))`` tells a view."""
    return type(f"{model.__name__}View", (), {"__slots__": (), MODEL: model})


def column_keys(model: type) -> tuple[str, ...]:
    """Every column a view of the whole row carries: the model's column attributes, deferred
    ones (large binaries read only on demand) left out."""
    return _column_keys(model)


@lru_cache(maxsize=64)
def _column_keys(model: type) -> tuple[str, ...]:
    return tuple(attr.key for attr in inspect(model).column_attrs if not attr.deferred)


def model_of(obj: Any) -> type | None:
    """The model a view shows, or None for anything else."""
    return getattr(type(obj), MODEL, None)


#: GraphQL type name → its column map: a link to such a type (``Reservation.customer``) loads only
#: the columns the selection below it reads (``resolvers.runtime.prefetch``).
COLUMN_MAPS: dict[str, ColumnMap] = {}


class ColumnMap:
    """Which columns of ``model`` each field of its GraphQL type reads, besides ``id``.

    ``fields`` maps snake_case field names to column keys (a link to its key column, a label
    to the column it labels, a field read through a loader keyed by ``id`` to nothing). A field
    missing from the map makes :meth:`keys_for` answer None ("every column": ORM rows), so a
    new field is never read from a view without its column.
    """

    def __init__(self, model: type, fields: Mapping[str, tuple[str, ...]], type_name: str) -> None:
        self.model = model
        self.fields = {**fields, "__typename": ()}
        self._keys: dict[tuple[str, ...], tuple[str, ...] | None] = {}
        COLUMN_MAPS[type_name] = self

    def declare(self, field: str, columns: tuple[str, ...]) -> None:
        """Add the columns a field declared with them reads (``resolvers.runtime.fields.bind``)."""
        if field in self.fields:
            raise ValueError(f"{self.model.__name__} field {field} has its columns declared twice")
        self.fields[field] = columns
        self._keys.clear()

    def keys_for(self, fields: Iterable[str]) -> tuple[str, ...] | None:
        """The column keys (sorted, ``id`` included) the given GraphQL fields (camelCase) read, or None."""
        fields = tuple(fields)
        try:
            return self._keys[fields]
        except KeyError:
            pass
        keys: set[str] | None = {"id"}
        for field in fields:
            needed = self.fields.get(field if field == "__typename" else to_snake_case(field))
            if needed is None:
                keys = None
                break
            keys.update(needed)
        found = None if keys is None else tuple(sorted(keys))
        if len(self._keys) < 256:  # selections are bounded by the schema; the bound only guards memory
            self._keys[fields] = found
        return found

    def columns(self, keys: tuple[str, ...] | None) -> tuple[Any, ...] | None:
        """The model's column attributes for ``keys``, in that order (for a Core ``select``), or None."""
        return None if keys is None else tuple(getattr(self.model, key) for key in keys)

    def view(self, keys: tuple[str, ...] | None) -> type | None:
        """The view class of rows read with ``keys`` (:func:`view`); None for None (whole ORM rows)."""
        return None if keys is None else view(self.model, keys)

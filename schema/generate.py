"""Strawberry object types derived from SQLAlchemy models, column by column.

A type lists the columns it exposes (nothing is exposed by default) and adds its
relationships and derived fields by hand::

    @model_type(models.Menu, description="メニュー (menu)", include={"name": "name", ...})
    class Menu:
        ...

Each listed column becomes a camelCase field of the matching scalar or enum,
nullable when the column is, described by the column ``comment`` (the Japanese
label staff know) followed by the English phrase given in ``include``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import strawberry
from sqlalchemy import inspect
from sqlalchemy.orm import ColumnProperty
from sqlalchemy.types import TypeDecorator

from resolvers.runtime.rows import view_base

T = TypeVar("T", bound=type)

#: Columns that must never leave the server, whatever a type's include list says.
SENSITIVE_COLUMNS = frozenset(
    {
        "password_hash",
        "token_hash",
        "name_key",
        "search_text",
        "email_key",
        "secret",
        "secret_key",
    }
)


class ModelTypeError(TypeError):
    """A type asked for a column that does not exist, is internal, or has no GraphQL scalar."""


def graphql_type_of(model: type, key: str) -> Any:
    """The Python annotation Strawberry turns into the GraphQL type of one column."""
    column = _column(model, key)
    if column.primary_key and key == "id":
        annotation: Any = strawberry.ID
    else:
        sql_type = column.type
        if isinstance(sql_type, TypeDecorator):  # e.g. UTCDateTime: its Python type is its impl's
            sql_type = sql_type.impl_instance
        try:
            annotation = sql_type.python_type
        except NotImplementedError:
            raise ModelTypeError(f"{model.__name__}.{key} has no Python type to expose") from None
        if (
            isinstance(annotation, type)
            and issubclass(annotation, enum.Enum)
            and not hasattr(annotation, "__strawberry_definition__")
        ):
            raise ModelTypeError(f"{annotation.__name__} is not registered in schema.enums")
        if annotation in (dict, list):
            raise ModelTypeError(f"{model.__name__}.{key} is JSON: expose it with a typed field")
    return annotation | None if column.nullable else annotation


def describe(model: type, key: str, english: str) -> str:
    """``"<comment> (<english>)"``, or whichever of the two exists."""
    column = _column(model, key)
    comment = column.comment or ("ID・識別子" if column.primary_key else None)
    if comment and english:
        return f"{comment} ({english})"
    return comment or english


def model_type(
    model: type,
    *,
    include: Mapping[str, str] | Sequence[str],
    description: str,
    name: str | None = None,
) -> Callable[[T], T]:
    """Class decorator: add ``include``'s columns of ``model`` as fields, then ``strawberry.type``.

    ``include`` lists the column attribute names to expose, or maps each to an English
    phrase appended to its description.
    The decorated class may declare further fields and resolvers; those come after
    the column fields in the schema.  Resolvers return instances of ``model``: the
    type's fields read their attributes, and its resolvers get one as ``Parent``.
    """

    def wrap(cls: T) -> T:
        own_annotations = dict(cls.__dict__.get("__annotations__", {}))
        annotations: dict[str, Any] = {}
        phrases = include if isinstance(include, Mapping) else dict.fromkeys(include, "")
        for key, english in phrases.items():
            if key in SENSITIVE_COLUMNS:
                raise ModelTypeError(f"{model.__name__}.{key} is internal and may not be exposed")
            if key in own_annotations or key in cls.__dict__:
                raise ModelTypeError(f"{cls.__name__}.{key} is both generated and declared")
            annotations[key] = graphql_type_of(model, key)
            setattr(cls, key, strawberry.field(description=describe(model, key, english)))
        cls.__annotations__ = {**annotations, **own_annotations}
        if "is_type_of" not in cls.__dict__:
            # Resolvers return model instances or Core row views of the model (resolvers.runtime.rows);
            # unions, interfaces and the executor's writers need to recognise both.
            accepted = (cls, model, view_base(model))
            cls.is_type_of = classmethod(lambda c, obj, _info: isinstance(obj, accepted))
        return strawberry.type(cls, name=name or cls.__name__, description=description)

    return wrap


def _column(model: type, key: str):
    prop = inspect(model).attrs.get(key)
    if not isinstance(prop, ColumnProperty) or len(prop.columns) != 1:
        raise ModelTypeError(f"{model.__name__}.{key} is not a column")
    return prop.columns[0]

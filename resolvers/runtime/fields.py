"""Fields declared once, where the type declares them: :func:`link` and :func:`derived`.

Each returns the ``strawberry.field`` itself, carrying everything the runtime needs to know about
the field: the loader (an attribute of :class:`~resolvers.runtime.loaders.Loaders`, named as
``Loaders.customer``, not as a string), the parent's key, the columns of the parent it reads
and the action a caller needs to see it (``services.permissions``)::

    @model_type(models.Reservation, include=RESERVATION_COLUMNS, description="予約")
    class Reservation:
        customer: CustomerType | None = link(Loaders.customer, "customer_id", description="お客様")
        status_label: str = derived(lambda r: r.status.label, columns=("status",), description="…")

When the schema is built, :func:`bind` finds these fields in it and fills the registries the
runtime reads (``prefetch.LINKS`` and ``DIRECT``, the types' ``ColumnMap``), named by GraphQL
type and field as the schema names them. The field's resolver is the same function the executor
calls, so Strawberry's own executor and the app's answer alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any

import strawberry
from graphql import is_list_type, is_non_null_type, is_object_type
from strawberry.utils.str_converters import to_snake_case

from resolvers.runtime.hooks import graphql_schema, resolver_function
from resolvers.runtime.prefetch import DIRECT, LINKS, Link
from resolvers.runtime.rows import COLUMN_MAPS
from services.permissions import Action

#: The attribute of a field's resolver holding its declaration (a Link or a Derived).
DECLARED = "declared"
#: (GraphQL type, field) → the action a caller needs to see it, for every field declared with one
#: (``visible=``); filled by :func:`bind`. The README shows it (:func:`visibility_markdown`).
VISIBLE: dict[tuple[str, str], Action] = {}


@dataclass(eq=False)
class Derived:
    """A field computed from its parent alone: ``value(parent)``, null for a caller without ``visible``."""

    value: Callable[[Any], Any]
    visible: Action | None = None

    def __call__(self, root: Any, context: Any) -> Any:
        if self.visible is not None and not context.may(self.visible):
            return None
        return self.value(root)


def link(loader: cached_property, key: str | Callable[[Any], Any] = "id", *, description: str,
         then: Callable[[Any], Any] | None = None, visible: Action | None = None,
         columns: tuple[str, ...] | None = None, name: str | None = None) -> Any:
    """A field read through the request's dataloader ``loader`` with ``key`` of its parent (an
    attribute name or a function of the parent). ``then`` turns the loaded value into the field's;
    ``visible``: the action a caller needs to see the field (null and nothing loaded otherwise);
    ``columns``: the parent's columns it reads (by default its key's, none for ``id``; say so for a
    function key)."""
    declared = Link(loader=loader.attrname, key=attrgetter(key) if isinstance(key, str) else key,
                    then=then, visible=visible)
    if columns is None and isinstance(key, str):
        columns = () if key == "id" else (key,)
    return _field(declared, declared.value, columns, description, name)


def derived(value: Callable[[Any], Any], *, description: str, visible: Action | None = None,
            columns: tuple[str, ...] | None = None, name: str | None = None) -> Any:
    """A field computed from its parent alone, ``value(parent)``; ``columns``: the parent's columns it
    reads (a list then reads only those); ``visible`` as for :func:`link`."""
    declared = Derived(value, visible)
    return _field(declared, declared, columns, description, name)


def _field(declared: Any, value: Callable[[Any, Any], Any], columns: tuple[str, ...] | None,
           description: str, name: str | None) -> Any:
    def resolve(root: strawberry.Parent[Any], info: strawberry.Info) -> Any:
        return value(root, info.context)

    resolve.__annotations__.pop("return")  # the field's type is the class annotation's
    setattr(resolve, DECLARED, (declared, columns))
    return strawberry.field(resolver=resolve, description=description, name=name)


def bind(schema: Any) -> None:
    """Register every declared field of the built ``schema`` (see the module's docstring)."""
    for graphql_type in graphql_schema(schema).type_map.values():
        if not is_object_type(graphql_type) or graphql_type.name.startswith("__"):
            continue
        for name, field in graphql_type.fields.items():
            found = getattr(resolver_function(field), DECLARED, None)
            if found is None:
                continue
            declared, columns = found
            owner = graphql_type.name
            if declared.visible is not None:
                VISIBLE[(owner, name)] = declared.visible
            if isinstance(declared, Link):
                _bind_link(declared, owner, name, field.type)
                DIRECT[(owner, name)] = declared.value
            else:
                DIRECT[(owner, name)] = declared
            column_map = COLUMN_MAPS.get(owner)
            if column_map is not None and columns is not None:
                column_map.declare(to_snake_case(name), columns)


def visibility_markdown() -> str:
    """The README's table of the fields some callers may not see (null for them), from :data:`VISIBLE`."""
    lines = ["| field | visible with the action (null for anyone else) |", "|---|---|"]
    for (owner, name), action in sorted(VISIBLE.items()):
        lines.append(f"| `{owner}.{name}` | {action.value} |")
    return "\n".join(lines) + "\n"


def _bind_link(declared: Link, owner: str, name: str, field_type: Any) -> None:
    if declared.owner and (declared.owner, declared.field) != (owner, name):
        raise ValueError(f"{owner}.{name} reuses the link of {declared.owner}.{declared.field}: "
                         "declare one per field")
    inner = field_type.of_type if is_non_null_type(field_type) else field_type
    declared.many = is_list_type(inner)
    if declared.many:
        inner = inner.of_type.of_type if is_non_null_type(inner.of_type) else inner.of_type
    declared.owner, declared.field = owner, name
    declared.target = inner.name if is_object_type(inner) and declared.then is None else None
    LINKS[(owner, name)] = declared

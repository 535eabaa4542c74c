"""Fields whose value needs only the parent and the request: links, derived fields, and the prefetch.

A **link** is a field read through a dataloader, e.g. ``Reservation.customer``: which loader,
which key of the parent. Its value is at once at hand when the request's loader already holds it,
otherwise it is the loader's future (batched as before). A **derived** field is computed from the
parent alone (``Reservation.statusLabel``). Both are declared where the field is
(``resolvers.runtime.fields``) and registered here, by GraphQL type and field, when the schema
is built: the executor (``resolvers/runtime/execution.py``) calls them directly, so a list of
them is written out without graphql-core's and Strawberry's per-field machinery.

A list resolver calls :func:`prefetch` with the rows it is about to return and the selection
below them. Level by level it batches every linked field the query selected (the
reservations' customers, then those customers' last menus …): one loader batch per field and
level, the same statements the dataloaders would have sent. Writing out the list then needs
no awaiting: a day of 100 reservations with customer, ❗, stylist and menus is completed as
plain values instead of hundreds of futures and gathers.
"""

from __future__ import annotations

from asyncio import Future
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from resolvers.runtime.hooks import field_nodes
from resolvers.runtime.rows import COLUMN_MAPS
from resolvers.runtime.selection import children

#: (GraphQL type, field) → its link; filled when the schema is built (``resolvers.runtime.fields``).
LINKS: dict[tuple[str, str], Link] = {}

#: (GraphQL type, field) → ``value(root, context)`` for every field whose value needs nothing but
#: its parent and the request context: links and derived fields. The executor
#: (``resolvers/runtime/execution.py``) calls these directly, without Strawberry's per-field wrapping.
DIRECT: dict[tuple[str, str], Callable[[Any, Any], Any]] = {}

MISSING: Any = object()


@dataclass(eq=False)
class Link:
    """A field whose value comes from ``loaders.<loader>.load(key(parent))``.

    ``then``: turns the loaded value into the field's value (e.g. a caution into its memo).
    ``visible``: the action (``services.permissions``) a caller needs to see the field; for anyone
    else it is null and nothing is loaded. Known once the schema is built: ``owner`` and ``field``
    (where it is declared), ``target`` (the GraphQL type of the loaded objects, None for leaves and
    for a ``then``), so that the prefetch can go on below them, and ``many`` (a list per key).
    """

    loader: str
    key: Callable[[Any], Any]
    then: Callable[[Any], Any] | None = None
    visible: Any = None
    owner: str = ""
    field: str = ""
    target: str | None = None
    many: bool = False
    _getters: dict[tuple[str, ...] | None, Callable[[Any, Any], Any]] = dataclass_field(
        default_factory=dict, init=False, repr=False)

    def value(self, root: Any, context: Any) -> Any:
        """The field's value, or an awaitable of it when the loader does not hold it yet."""
        value = self.getter()(root, context)
        if value is not MISSING:
            return value
        future = getattr(context.loaders, self.loader).load(self.key(root))
        return future if self.then is None else _after(future, self.then)

    def narrowed(self, fields: Sequence[str]) -> Callable[[Any, Any], Any] | None:
        """:meth:`getter` for a selection of ``fields`` below this link, or None when its target rows are
        not read narrowed."""
        columns = _narrow_columns(self, fields)
        return None if columns is None else self.getter(columns)

    def getter(self, columns: tuple[str, ...] | None = None) -> Callable[[Any, Any], Any]:
        """``now(root, context)``: the value if the loader already holds it (or none is needed), else
        ``MISSING``; loads nothing. Made once per ``columns``: a list's writer calls it for every row.

        ``columns``: look first among the rows the prefetch read with only these columns
        (``Loaders.narrow``); a row the whole-row loader holds serves too.
        """
        made = self._getters.get(columns)
        if made is None:
            made = self._getters[columns] = _link_getter(self, columns)
        return made


def _link_getter(link: Link, columns: tuple[str, ...] | None) -> Callable[[Any, Any], Any]:
    key_of, name, then, visible, many = link.key, link.loader, link.then, link.visible, link.many

    def now(root: Any, context: Any) -> Any:
        if visible is not None and not context.may(visible):
            return None
        key = key_of(root)
        if key is None:
            return [] if many else None
        value = MISSING
        if columns is not None:
            narrowed = context.loaders.narrow(name, columns)
            if narrowed is not None:
                value = loaded(narrowed, key)
        if value is MISSING:
            value = loaded(getattr(context.loaders, name), key)
        if value is MISSING or then is None:
            return value
        return then(value)

    return now


def _narrow_columns(link: Link, fields: Any) -> tuple[str, ...] | None:
    """The columns a selection of ``fields`` reads of a link's target rows, or None (all of them)."""
    if link.many or link.target is None:
        return None
    column_map = COLUMN_MAPS.get(link.target)
    return None if column_map is None else column_map.keys_for(tuple(fields))


def loaded(loader: Any, key: Any) -> Any:
    """The value the loader already holds for ``key`` (filled ahead, or a settled load), or ``MISSING``."""
    values = getattr(loader, "values", None)
    if values is not None:
        value = values.get(key, MISSING)
        if value is not MISSING:
            return value
    future = loader.cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception() is not None:
        return MISSING
    return future.result()


async def _after(future: Future[Any], then: Callable[[Any], Any]) -> Any:
    return then(await future)


async def prefetch_together(info: Any, owner: str, parents: Sequence[Any], selected: dict[str, list[Any]]
                            ) -> None:
    """:func:`prefetch` from a resolver that runs once per object of a list (``Customer.reservations``
    on a page of customers): the parents of every such call of this field of the document are
    gathered (a dataloader's batch) and prefetched in one go, one statement per field and level
    whatever the list's length."""
    together = info.context.loaders.together(
        id(field_nodes(info)[0]), lambda objects: prefetch(info, owner, objects, selected))
    await together.load_many(parents)


async def prefetch(info: Any, owner: str, parents: Sequence[Any], selected: dict[str, list[Any]]) -> None:
    """Load every linked field of ``selected`` below ``parents`` (objects of GraphQL type ``owner``).

    ``selected``: field name → selections below it (:func:`resolvers.runtime.selection.children` or
    ``path``).
    """
    if not parents:
        return
    for field, below in selected.items():
        found = LINKS.get((owner, field))
        if found is None or (found.visible is not None and not info.context.may(found.visible)):
            continue
        loader = getattr(info.context.loaders, found.loader)
        columns = _narrow_columns(found, children(below)) if below else None
        if columns is not None:  # a row of another type: only the columns its selection reads
            loader = info.context.loaders.narrow(found.loader, columns) or loader
        keys = list(dict.fromkeys(k for k in map(found.key, parents) if k is not None))
        await loader.fill(keys)  # one batch for the keys it does not hold, no future per key
        if found.target is None or not below:
            continue
        values = [loaded(loader, k) for k in keys]
        if found.many:
            objects = [item for value in values if value is not MISSING for item in value]
        else:
            objects = [value for value in values if value is not MISSING and value is not None]
        await prefetch(info, found.target, objects, children(below))

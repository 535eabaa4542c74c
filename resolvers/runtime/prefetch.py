"""Fields whose value needs only the parent and the request: links, derived fields, and the prefetch.

- A **link** (:func:`link`) is a field read through a dataloader, e.g. ``Reservation.customer``:
  which loader, which key of the parent. Its resolver returns the value at once when the
  request's loader already holds it, otherwise the loader's future (batched as before).
- A **derived** field (:func:`derived`) is computed from the parent alone, e.g.
  ``Reservation.statusLabel`` or ``Customer.phoneDisplay``.

Both are registered in :data:`DIRECT`; the Strawberry resolver of such a field calls the
registered function, and the executor (``resolvers/runtime/execution.py``) calls it directly, so a
list of them is written out without graphql-core's and Strawberry's per-field machinery.

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
from operator import attrgetter
from typing import Any

from resolvers.runtime.rows import COLUMN_MAPS
from resolvers.runtime.selection import children

#: (GraphQL type, field) → its link; filled as the type modules define their links.
LINKS: dict[tuple[str, str], Link] = {}

#: (GraphQL type, field) → ``value(root, context)`` for every field whose value needs nothing but
#: its parent and the request context: links and :func:`derived` fields. The executor
#: (``resolvers/runtime/execution.py``) calls these directly, without Strawberry's per-field wrapping.
DIRECT: dict[tuple[str, str], Callable[[Any, Any], Any]] = {}

MISSING: Any = object()


@dataclass(frozen=True, eq=False)
class Link:
    """A field whose value comes from ``loaders.<loader>.load(key(parent))``.

    ``target``: the GraphQL type of the loaded objects (None for leaves), so that the prefetch
    can go on below them. ``many``: the loader returns a list per key. ``then``: turns the
    loaded value into the field's value (e.g. a caution into its memo). ``staff_only``: the
    field is null for callers other than staff (and nothing is loaded for them).
    """

    owner: str
    field: str
    loader: str
    key: Callable[[Any], Any]
    target: str | None = None
    many: bool = False
    then: Callable[[Any], Any] | None = None
    staff_only: bool = False
    _getters: dict[tuple[str, ...] | None, Callable[[Any, Any], Any]] = dataclass_field(
        default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        _register(self.owner, self.field, self.value)
        LINKS[(self.owner, self.field)] = self

    def resolve(self, info: Any, root: Any) -> Any:
        """The field's value, or an awaitable of it when the loader does not hold it yet."""
        return self.value(root, info.context)

    def value(self, root: Any, context: Any) -> Any:
        """:meth:`resolve` from the parent and the request context."""
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
    key_of, name, then, staff_only, many = link.key, link.loader, link.then, link.staff_only, link.many

    def now(root: Any, context: Any) -> Any:
        if staff_only and not context.is_staff:
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


def derived(owner: str, field: str) -> Callable[[Callable[[Any, Any], Any]], Callable[[Any, Any], Any]]:
    """Register ``value(root, context)`` as the value of a field computed from its parent alone
    (a label, a formatted phone); the Strawberry resolver calls it, the executor calls it directly."""

    def register(value: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        _register(owner, field, value)
        return value

    return register


def _register(owner: str, field: str, value: Callable[[Any, Any], Any]) -> None:
    if (owner, field) in DIRECT:
        raise ValueError(f"{owner}.{field} is registered twice")
    DIRECT[(owner, field)] = value


def link(owner: str, field: str, loader: str, key: str | Callable[[Any], Any], **options: Any) -> Link:
    """Declare a link; ``key`` is the parent's attribute name or a function of the parent."""
    key_of = attrgetter(key) if isinstance(key, str) else key
    return Link(owner, field, loader, key_of, **options)


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


async def prefetch(info: Any, owner: str, parents: Sequence[Any], selected: dict[str, list[Any]]) -> None:
    """Load every linked field of ``selected`` below ``parents`` (objects of GraphQL type ``owner``).

    ``selected``: field name → selections below it (:func:`resolvers.runtime.selection.children` or ``path``).
    """
    if not parents:
        return
    for field, below in selected.items():
        found = LINKS.get((owner, field))
        if found is None or (found.staff_only and not info.context.is_staff):
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

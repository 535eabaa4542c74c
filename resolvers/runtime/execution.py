"""graphql-core's executor with short ways for the fields a list is made of.

Most fields of a list are plain columns (``Reservation.startAt``, ``Menu.name``), labels
computed from the row (``statusLabel``, ``fullName``) or links to another row through a
dataloader (``Reservation.customer``). graphql-core treats each like any field: a ``Path``,
a resolve info object, argument parsing, an awaitable check, then value completion through
the generic type dispatch; Strawberry adds its own wrapping of every resolver (argument
conversion, its ``Info``, extension chaining). For a day of 100 reservations that is well
over a thousand fields and most of the request's time.

1. :func:`install_direct_resolvers` gives every field registered in ``resolvers.runtime.prefetch.DIRECT``
   (links and derived fields: their value needs only the parent and the request context)
   that function as its graphql-core resolver, without Strawberry's wrapping. The
   Strawberry resolvers of those fields call the same function, so both ways agree.
2. :class:`ExecutionContext` writes out a field directly when it is a scalar or enum field
   without arguments that is either a Strawberry *basic* field (an attribute of the parent)
   or a direct field whose value is already at hand (a derived field, a link whose loader
   holds the value): the value is read and coerced to output, nothing else. Anything
   unusual (a null for a non-null field, a value the scalar refuses, an exception, a value
   still to be loaded) goes graphql-core's own way, which raises, locates the error and
   awaits exactly as before. An object whose every field can be written so is written whole by
   a plain loop over its compiled steps (``resolvers.runtime.writers``).

Strawberry runs a field's ``permission_classes`` and field extensions inside its own resolver
wrapper, which a short way skips: :func:`install_direct_resolvers` refuses, at schema build, any
field that would take a short way while it carries them (:class:`ShortWayError`, naming the
field). Such a field keeps its Strawberry resolver and goes graphql-core's way, the object
around it field by field.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLResolveInfo,
    OperationDefinitionNode,
    VariableNode,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.pyutils import Path, Undefined, gather_with_cancel

from resolvers.limits import CACHE_SIZE
from resolvers.runtime.hooks import (
    BASIC_RESOLVER,
    BaseExecutionContext,
    definition,
    graphql_schema,
    resolver_function,
)
from resolvers.runtime.lru import LRU
from resolvers.runtime.prefetch import DIRECT, LINKS
from resolvers.runtime.writers import (
    FALLBACK,
    Step,
    constant,
    leaf,
    list_value,
    make_step,
    object_value,
    object_writer,
    write_value,
)


class ShortWayError(ValueError):
    """A field that would skip Strawberry's resolver wrapper while it carries permissions or extensions."""


def install_direct_resolvers(schema: Any) -> None:
    """Resolve every ``DIRECT`` field with its function (see the module's docstring, 1), after
    :func:`check_short_ways`."""
    check_short_ways(schema)
    types = graphql_schema(schema).type_map
    for (owner, name), value in DIRECT.items():
        field = types[owner].fields[name]  # a KeyError here: a registration names no real field
        if field.args:
            raise ValueError(f"{owner}.{name} takes arguments and cannot be resolved directly")
        field.resolve = _direct(value)


def check_short_ways(schema: Any) -> None:
    """Refuse a schema in which a field the executor answers without Strawberry's resolver wrapper
    (a link, a derived field, a resolver with a ``now``) carries ``permission_classes`` or field
    extensions: their check would be skipped. The error names the field."""
    for graphql_type in graphql_schema(schema).type_map.values():
        if not is_object_type(graphql_type) or graphql_type.name.startswith("__"):
            continue
        for name, field in graphql_type.fields.items():
            declared = definition(field)
            if declared is None or not declared.extensions:
                continue
            if (graphql_type.name, name) in DIRECT or _getter(graphql_type, name, field) is not None:
                carried = "permission_classes" if declared.permission_classes else "extensions"
                raise ShortWayError(
                    f"{graphql_type.name}.{name} carries {carried}, which the executor's short way would "
                    "skip: give it a plain Strawberry resolver, or move the rule into the field's value")


def _direct(value: Any) -> Any:
    def resolve(source: Any, info: GraphQLResolveInfo, **_: Any) -> Any:
        return value(source, info.context)

    resolve.direct = value  # type: ignore[attr-defined]
    return resolve


def _getter(parent_type: GraphQLObjectType, name: str, field: GraphQLField) -> Any:
    """How to read a field that needs nothing but its parent and the context, or None.

    An attribute name (str) for a basic field read with ``getattr``; otherwise
    ``value(source, context)``, which answers ``MISSING`` when the value is not at hand.
    """
    if getattr(field.resolve, "__name__", "") == BASIC_RESOLVER:
        declared = definition(field)
        if declared is not None and declared.default_resolver is getattr:
            return declared.python_name
        basic = field.resolve
        return lambda source, context: basic(source, None)
    link = LINKS.get((parent_type.name, name))
    if link is not None:
        return link.getter()
    direct = getattr(field.resolve, "direct", None)
    if direct is not None:
        return direct
    # A Strawberry resolver that can tell its value when it is at hand (e.g. ``totalCount``).
    return getattr(resolver_function(field), "now", None)


#: Parsed operations (kept alive here, so their nodes' ids stay theirs) → the writers and steps
#: compiled for them, or fresh dictionaries per execution when @include / @skip take variables.
#: As bounded as the parse cache (``resolvers.limits``): frontends send a few dozen documents.
_COMPILED: LRU[int, tuple[Any, tuple[dict, dict] | None]] = LRU(CACHE_SIZE)


def _compiled_for(operation: OperationDefinitionNode, fragments: dict[str, Any]) -> tuple[dict, dict]:
    _, shared = _COMPILED.get_or_make(
        id(operation), lambda: (operation, None if _varies(operation, fragments) else ({}, {})))
    return shared if shared is not None else ({}, {})


def _varies(operation: OperationDefinitionNode, fragments: dict[str, Any]) -> bool:
    """Whether an @include or @skip of the document takes a variable (the fields collected, and so
    what can be compiled, then depend on the request's variables)."""
    definitions = (getattr(fragment, "definition", fragment) for fragment in fragments.values())
    pending: list[Any] = [operation.selection_set, *(d.selection_set for d in definitions)]
    while pending:
        selection_set = pending.pop()
        for selection in selection_set.selections if selection_set else ():
            for directive in selection.directives or ():
                if directive.name.value in ("include", "skip") and any(
                        isinstance(argument.value, VariableNode) for argument in directive.arguments or ()):
                    return True
            pending.append(getattr(selection, "selection_set", None))
    return False


class ExecutionContext(BaseExecutionContext):
    """Strawberry's execution context, with short ways for plain fields and whole plain objects."""

    #: Fields answered the short way and objects answered whole since start-up (tests read them).
    short_way = 0
    whole_objects = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        compiled = _compiled_for(self.operation, self.fragments)
        #: (type, ids of the field nodes) → the compiled writer of such an object, or None; and
        #: → the step of one field (``_field_step``). Shared by every execution of the same
        #: parsed document unless @include / @skip depend on its variables.
        self._writers: dict[tuple[str, tuple[int, ...]], Any] = compiled[0]
        self._field_steps: dict[tuple[str, tuple[int, ...]], Any] = compiled[1]

    def _writer(self, parent_type: GraphQLObjectType, grouped_field_set: Any, depth: int = 0) -> Any:
        """A function writing out a whole object of ``parent_type`` (and everything below it) with
        only direct fields, or None when some field needs graphql-core (a resolver, arguments, an
        abstract type, a deferred fragment)."""
        key = (parent_type.name, tuple(id(d.node) for fields in grouped_field_set.values() for d in fields))
        if key in self._writers:
            return self._writers[key]
        self._writers[key] = None  # while compiling (and if it cannot be compiled)
        steps = self._steps(parent_type, grouped_field_set, depth)
        writer = None if steps is None else object_writer(steps)
        self._writers[key] = writer
        return writer

    def _steps(self, parent_type: GraphQLObjectType, grouped_field_set: Any, depth: int
               ) -> list[Step] | None:
        if depth > 12:
            return None
        steps: list[Step] = []
        for response_name, field_details_list in grouped_field_set.items():
            step = self._step(parent_type, response_name, field_details_list, depth)
            if step is None:
                return None
            steps.append(step)
        return steps

    def _field_step(self, parent_type: GraphQLObjectType, response_name: str, field_details_list: Any
                    ) -> Step | None:
        """The step of one field of an object that cannot be written whole, compiled once."""
        key = (parent_type.name, tuple(id(d.node) for d in field_details_list))
        try:
            return self._field_steps[key]
        except KeyError:
            step = self._field_steps[key] = self._step(parent_type, response_name, field_details_list, 0)
            return step

    def _step(self, parent_type: GraphQLObjectType, response_name: str, field_details_list: Any, depth: int
              ) -> Step | None:
        """The :class:`Step` of a field the short way can write (with everything below it), or None."""
        node = field_details_list[0].node
        name = node.name.value
        # @include / @skip were applied when the fields were collected; any other directive: no.
        if node.arguments or any(d.name.value not in ("include", "skip") for d in node.directives or ()):
            return None
        if name == "__typename":
            return Step(response_name, None, partial(constant, parent_type.name), True, str, None)
        field = parent_type.fields.get(name)
        if field is None or field.args:
            return None
        get = _getter(parent_type, name, field)
        if get is None:
            return None
        non_null = is_non_null_type(field.type)
        kind_type = field.type.of_type if non_null else field.type  # type: ignore[union-attr]
        if is_leaf_type(kind_type):
            return make_step(response_name, get, non_null, *leaf(kind_type))
        if is_object_type(kind_type):
            writer = self._child_writer(kind_type, field_details_list, depth)
            if writer is None:
                return None
            link = LINKS.get((parent_type.name, name))
            if link is not None:  # read the rows the prefetch narrowed to this selection's columns
                grouped_field_set, _, _ = self.collect_subfields(kind_type, field_details_list)
                fields = [details[0].node.name.value for details in grouped_field_set.values()]
                get = link.narrowed(fields) or get
            return make_step(response_name, get, non_null, None, object_value(kind_type, writer))
        if not is_list_type(kind_type):
            return None
        item = kind_type.of_type
        item_non_null = is_non_null_type(item)
        item_type = item.of_type if item_non_null else item
        if is_leaf_type(item_type):
            return make_step(response_name, get, non_null, None, list_value(item_non_null, *leaf(item_type)))
        if not is_object_type(item_type):
            return None
        writer = self._child_writer(item_type, field_details_list, depth)
        if writer is None:
            return None
        items = list_value(item_non_null, None, object_value(item_type, writer))
        return make_step(response_name, get, non_null, None, items)

    def _child_writer(self, object_type: GraphQLObjectType, field_details_list: Any, depth: int) -> Any:
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages:
            return None
        return self._writer(object_type, grouped_field_set, depth + 1)

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:  # a resolve hook wraps every field: no short way
            return super().execute_fields(parent_type, source_value, path, grouped_field_set,
                                          position_context)
        context = self.context_value
        writer = self._writer(parent_type, grouped_field_set)
        if writer is not None:
            try:
                written = writer(source_value, context)
            except Exception:  # noqa: BLE001 - graphql-core's way below raises it properly
                written = FALLBACK
            if written is not FALLBACK:
                ExecutionContext.whole_objects += 1
                return written
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        short = 0
        try:
            for response_name, field_details_list in grouped_field_set.items():
                step = self._field_step(parent_type, response_name, field_details_list)
                if step is not None:
                    try:
                        value = write_value(step, source_value, context)
                    except Exception:  # noqa: BLE001 - graphql-core's path below raises it properly
                        value = FALLBACK
                    if value is not FALLBACK:
                        results[response_name] = value
                        short += 1
                        continue
                result = self.execute_field(
                    parent_type, source_value, field_details_list,
                    Path(path, response_name, parent_type.name), position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        finally:
            ExecutionContext.short_way += short
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

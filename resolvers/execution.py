"""graphql-core's executor with short ways for the fields a list is made of.

Most fields of a list are plain columns (``Reservation.startAt``, ``Menu.name``), labels
computed from the row (``statusLabel``, ``fullName``) or links to another row through a
dataloader (``Reservation.customer``). graphql-core treats each like any field: a ``Path``,
a resolve info object, argument parsing, an awaitable check, then value completion through
the generic type dispatch; Strawberry adds its own wrapping of every resolver (argument
conversion, its ``Info``, extension chaining). For a day of 100 reservations that is well
over a thousand fields and most of the request's time.

1. :func:`install_direct_resolvers` gives every field registered in ``schema.prefetch.DIRECT``
   (links and derived fields: their value needs only the parent and the request context)
   that function as its graphql-core resolver, without Strawberry's wrapping. The
   Strawberry resolvers of those fields call the same function, so both ways agree.
2. :class:`ExecutionContext` writes out a field directly when it is a scalar or enum field
   without arguments that is either a Strawberry *basic* field (an attribute of the parent)
   or a direct field whose value is already at hand (a derived field, a link whose loader
   holds the value): the value is read and coerced to output, nothing else. Anything
   unusual (a null for a non-null field, a value the scalar refuses, an exception, a value
   still to be loaded) goes graphql-core's own way, which raises, locates the error and
   awaits exactly as before.
"""

from __future__ import annotations

from functools import partial
from keyword import iskeyword
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLString,
    OperationDefinitionNode,
    VariableNode,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from resolvers.limits import CACHE_SIZE, LRU
from schema.prefetch import DIRECT, LINKS, MISSING

#: What Strawberry names the resolver of a basic field (an attribute read that ignores ``info``).
BASIC_RESOLVER = "_get_basic_result"

def install_direct_resolvers(schema: Any) -> None:
    """Resolve every ``DIRECT`` field with its function (see the module's docstring, 1)."""
    types = schema._schema.type_map
    for (owner, name), value in DIRECT.items():
        field = types[owner].fields[name]  # a KeyError here: a registration names no real field
        if field.args:
            raise ValueError(f"{owner}.{name} takes arguments and cannot be resolved directly")
        field.resolve = _direct(value)


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
        definition = field.extensions.get("strawberry-definition")
        if definition is not None and definition.default_resolver is getattr:
            return definition.python_name
        basic = field.resolve
        return lambda source, context: basic(source, None)
    link = LINKS.get((parent_type.name, name))
    if link is not None:
        return link.getter()
    direct = getattr(field.resolve, "direct", None)
    if direct is not None:
        return direct
    # A Strawberry resolver that can tell its value when it is at hand (e.g. ``totalCount``).
    definition = field.extensions.get("strawberry-definition")
    resolver = getattr(definition, "base_resolver", None)
    return getattr(getattr(resolver, "wrapped_func", None), "now", None)


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


#: A compiled object gives up: graphql-core completes that object its own way.
FALLBACK: Any = object()
LEAF, OBJECT, LIST = 0, 1, 2
#: Built-in scalars whose output of a value of this exact class is the value itself: the writer
#: skips their coercion for such values (an Int only within GraphQL's 32 bits).
_AS_IS: dict[str, Any] = {"String": str, "Boolean": bool, "Int": int}
#: ID's marker there: a str is written as it is, an int (a row id) as its digits.
_ID = object()
_AS_IS["ID"] = _ID
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


class _EnumNames(dict):
    """A Strawberry enum's members → their GraphQL names (what its ``coerce_output_value`` answers
    after a loop over every value per call); ``cls`` is the Python enum."""

    def __init__(self, enum_type: Any) -> None:
        self.cls = enum_type.wrapped_cls
        names = {}
        for member in self.cls:
            for name, value in enum_type.values.items():
                if member.value == value.value:
                    names[member] = name
                    break
        super().__init__(names)


def _as_is(leaf_type: Any) -> Any:
    """How the writer may write a value of ``leaf_type`` without its coercion, or None."""
    if getattr(leaf_type, "wrapped_cls", None) is not None:  # Strawberry's enum type
        return _EnumNames(leaf_type)
    return _AS_IS.get(leaf_type.name)


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
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
        writer = None if steps is None else _object_writer(steps)
        self._writers[key] = writer
        return writer

    def _steps(self, parent_type: GraphQLObjectType, grouped_field_set: Any, depth: int
               ) -> list[tuple[Any, ...]] | None:
        if depth > 12:
            return None
        steps: list[tuple] = []
        for response_name, field_details_list in grouped_field_set.items():
            step = self._step(parent_type, response_name, field_details_list, depth)
            if step is None:
                return None
            steps.append(step)
        return steps

    def _field_step(self, parent_type: GraphQLObjectType, response_name: str, field_details_list: Any
                    ) -> tuple[Any, ...] | None:
        """The step of one field of an object that cannot be written whole, compiled once."""
        key = (parent_type.name, tuple(id(d.node) for d in field_details_list))
        try:
            return self._field_steps[key]
        except KeyError:
            step = self._field_steps[key] = self._step(parent_type, response_name, field_details_list, 0)
            return step

    def _step(self, parent_type: GraphQLObjectType, response_name: str, field_details_list: Any, depth: int
              ) -> tuple[Any, ...] | None:
        """``(response name, kind, getter, leaf type, non-null, below, as-is class)`` for a field the
        short way can write (with everything below it), or None."""
        node = field_details_list[0].node
        name = node.name.value
        # @include / @skip were applied when the fields were collected; any other directive: no.
        if node.arguments or any(d.name.value not in ("include", "skip") for d in node.directives or ()):
            return None
        if name == "__typename":
            return (response_name, LEAF, partial(_constant, parent_type.name), GraphQLString, True, None, str)
        field = parent_type.fields.get(name)
        if field is None or field.args:
            return None
        get = _getter(parent_type, name, field)
        if get is None:
            return None
        non_null = is_non_null_type(field.type)
        kind_type = field.type.of_type if non_null else field.type  # type: ignore[union-attr]
        if is_leaf_type(kind_type):
            return (response_name, LEAF, get, kind_type, non_null, None, _as_is(kind_type))
        if is_object_type(kind_type):
            below = self._child_writer(kind_type, field_details_list, depth)
            if below is None:
                return None
            link = LINKS.get((parent_type.name, name))
            if link is not None:  # read the rows the prefetch narrowed to this selection's columns
                grouped_field_set, _, _ = self.collect_subfields(kind_type, field_details_list)
                fields = [details[0].node.name.value for details in grouped_field_set.values()]
                get = link.narrowed(fields) or get
            return (response_name, OBJECT, get, kind_type, non_null, below, None)
        if not is_list_type(kind_type):
            return None
        item = kind_type.of_type
        item_non_null = is_non_null_type(item)
        item_type = item.of_type if item_non_null else item
        if is_leaf_type(item_type):
            return (response_name, LIST, get, None, non_null, (LEAF, item_type, item_non_null, None), None)
        if not is_object_type(item_type):
            return None
        writer = self._child_writer(item_type, field_details_list, depth)
        if writer is None:
            return None
        return (response_name, LIST, get, None, non_null, (OBJECT, item_type, item_non_null, writer), None)

    def _child_writer(self, object_type: GraphQLObjectType, field_details_list: Any, depth: int) -> Any:
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages:
            return None
        writer = self._writer(object_type, grouped_field_set, depth + 1)
        return None if writer is None else (object_type, writer)

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
                        value = _write_step(step, source_value, context)
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


def _constant(value: Any, source: Any, context: Any) -> Any:
    """A getter answering ``value`` whatever the object (``__typename``)."""
    return value


def _complete(kind: int, value: Any, type_: Any, non_null: bool, below: Any, context: Any) -> Any:
    """One leaf or object value written out, or ``FALLBACK``."""
    if value is None:
        return FALLBACK if non_null else None
    if kind == LEAF:
        coerced = type_.coerce_output_value(value)
        return FALLBACK if coerced is None or coerced is Undefined else coerced
    object_type, writer = below
    if object_type.is_type_of is not None and not object_type.is_type_of(value, None):
        return FALLBACK
    return writer(value, context)


def _write_step(step: tuple, source: Any, context: Any) -> Any:
    """The value of one compiled field of ``source``, written out, or ``FALLBACK``."""
    _, kind, get, type_, non_null, below, _ = step
    value = getattr(source, get) if get.__class__ is str else get(source, context)
    if value is MISSING:
        return FALLBACK
    if kind != LIST:
        return _complete(kind, value, type_, non_null, below, context)
    if value is None:
        return FALLBACK if non_null else None
    item_kind, item_type, item_non_null, item_below = below
    items = []
    for item in value:
        completed = _complete(item_kind, item, item_type, item_non_null, item_below, context)
        if completed is FALLBACK:
            return FALLBACK
        items.append(completed)
    return items


def _object_writer(steps: list[tuple]) -> Any:
    """The writer of one object from its compiled steps (see ``ExecutionContext._writer``).

    Written as Python source and compiled, one statement block per field: a day's list writes
    some 700 objects, and a loop over the steps cost more than the fields themselves. The code
    does what :func:`_write_step` does, field by field; anything it cannot write returns
    ``FALLBACK`` (graphql-core then completes the object its own way).
    """
    namespace: dict[str, Any] = {"FALLBACK": FALLBACK, "MISSING": MISSING, "Undefined": Undefined,
                                 "write_step": _write_step}
    lines = ["def write(source, context):", "    out = {}"]
    for i, step in enumerate(steps):
        response_name, kind, get, type_, non_null, below, as_is = step
        key = repr(response_name)
        namespace[f"get{i}"] = get
        if get.__class__ is not str:
            value = f"get{i}(source, context)"
        elif get.isidentifier() and not iskeyword(get):
            value = f"source.{get}"
        else:
            value = f"getattr(source, get{i})"
        if kind == LIST:
            namespace[f"step{i}"] = step
            lines += [f"    v = write_step(step{i}, source, context)",
                      "    if v is FALLBACK:", "        return FALLBACK",
                      f"    out[{key}] = v"]
            continue
        lines += [f"    v = {value}", "    if v is None:",
                  "        return FALLBACK" if non_null else f"        out[{key}] = None"]
        if kind == OBJECT:
            object_type, writer = below
            namespace[f"write{i}"] = writer
            if object_type.is_type_of is not None:
                namespace[f"is{i}"] = object_type.is_type_of
                lines += [f"    elif v is MISSING or not is{i}(v, None):", "        return FALLBACK"]
            else:
                lines += ["    elif v is MISSING:", "        return FALLBACK"]
            lines += ["    else:", f"        v = write{i}(v, context)", "        if v is FALLBACK:",
                      "            return FALLBACK", f"        out[{key}] = v"]
            continue
        if as_is is _ID:
            lines += ["    elif v.__class__ is str:", f"        out[{key}] = v",
                      "    elif v.__class__ is int:", f"        out[{key}] = str(v)"]
        elif as_is is int:
            lines += [f"    elif v.__class__ is int and {_INT_MIN} <= v <= {_INT_MAX}:", f"        out[{key}] = v"]
        elif isinstance(as_is, _EnumNames):
            namespace[f"enum{i}"], namespace[f"names{i}"] = as_is.cls, as_is
            lines += [f"    elif v.__class__ is enum{i} and v in names{i}:", f"        out[{key}] = names{i}[v]"]
        elif as_is is not None:
            namespace[f"as_is{i}"] = as_is
            lines += [f"    elif v.__class__ is as_is{i}:", f"        out[{key}] = v"]
        namespace[f"coerce{i}"] = type_.coerce_output_value
        lines += ["    elif v is MISSING:", "        return FALLBACK", "    else:",
                  f"        v = coerce{i}(v)", "        if v is None or v is Undefined:",
                  "            return FALLBACK", f"        out[{key}] = v"]
    lines.append("    return out")
    exec(compile("\n".join(lines), "<writer>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace["write"]

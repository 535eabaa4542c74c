"""The whole-object writer: an object's fields written out by a plain loop over compiled steps.

``resolvers.runtime.execution.ExecutionContext`` compiles, once per document, a :class:`Step` per
field of an object whose every field needs only its parent and the request (an attribute, a
derived value, a link whose loader holds the value) and hands the steps to :func:`object_writer`.
Writing an object is then: for each step, read the value, write it as it is when its class allows
(a ``str`` for a String), else convert it (the scalar's own output coercion, an enum's name, an
object's writer, a list's items). Anything unusual — a null for a non-null field, a value the
scalar refuses, a value still to be loaded — answers ``FALLBACK``, and graphql-core completes the
object its own way, which raises, locates the error and awaits as it always does.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from graphql import GraphQLObjectType
from graphql.pyutils import Undefined

from resolvers.runtime.hooks import python_enum
from resolvers.runtime.prefetch import MISSING

#: A compiled object gives up: graphql-core completes that object its own way.
FALLBACK: Any = object()
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


class EnumNames(dict):
    """A Strawberry enum's members → their GraphQL names (what its ``coerce_output_value`` answers
    after a loop over every value per call); ``cls`` is the Python enum."""

    def __init__(self, enum_type: Any) -> None:
        self.cls = python_enum(enum_type)
        names = {}
        for member in self.cls:
            for name, value in enum_type.values.items():
                if member.value == value.value:
                    names[member] = name
                    break
        super().__init__(names)


class Step(NamedTuple):
    """How one field of an object is written: read, then converted.

    ``attribute``: the parent's attribute to read (a basic field), else ``get(source, context)``,
    which answers ``MISSING`` when the value is not at hand. ``as_is``: the class whose values are
    written as they are (a ``str`` for String), else ``convert(value, context)`` writes a value
    that is not None, or answers ``FALLBACK``.
    """

    key: str
    attribute: str | None
    get: Any
    non_null: bool
    as_is: type | None
    convert: Any


def write_value(step: Step, source: Any, context: Any) -> Any:
    """The value of one compiled field of ``source``, written out, or ``FALLBACK``."""
    value = getattr(source, step.attribute) if step.get is None else step.get(source, context)
    if value is None:
        return FALLBACK if step.non_null else None
    if value is MISSING:
        return FALLBACK
    if value.__class__ is step.as_is:
        return value
    return step.convert(value, context)


def object_writer(steps: list[Step]) -> Any:
    """The writer of one object: its fields in order, each read and converted by its step;
    ``FALLBACK`` as soon as one cannot be written (graphql-core then completes the object)."""
    steps = tuple(steps)

    def write(source: Any, context: Any) -> Any:
        out = {}
        for key, attribute, get, non_null, as_is, convert in steps:
            value = getattr(source, attribute) if get is None else get(source, context)
            if value is None:
                if non_null:
                    return FALLBACK
                out[key] = None
            elif value.__class__ is as_is:
                out[key] = value
            elif value is MISSING:
                return FALLBACK
            else:
                value = convert(value, context)
                if value is FALLBACK:
                    return FALLBACK
                out[key] = value
        return out

    return write


def leaf(leaf_type: Any) -> tuple[type | None, Any]:
    """``(as_is, convert)`` of a scalar or enum field: the class written as it is, and the
    conversion of any other value (the type's own output coercion, checked)."""
    coerce = leaf_type.coerce_output_value

    def coerced(value: Any, context: Any) -> Any:
        value = coerce(value)
        return FALLBACK if value is None or value is Undefined else value

    if python_enum(leaf_type) is not None:  # Strawberry's enum type
        names = EnumNames(leaf_type)
        enum_class = names.cls

        def enum(value: Any, context: Any) -> Any:
            if value.__class__ is enum_class and value in names:
                return names[value]
            return coerced(value, context)

        return None, enum
    name = leaf_type.name
    if name in ("String", "Boolean"):
        return (str if name == "String" else bool), coerced
    if name == "ID":
        def identifier(value: Any, context: Any) -> Any:
            return str(value) if value.__class__ is int else coerced(value, context)

        return str, identifier
    if name == "Int":
        def integer(value: Any, context: Any) -> Any:
            if value.__class__ is int and _INT_MIN <= value <= _INT_MAX:
                return value
            return coerced(value, context)

        return None, integer
    return None, coerced


def object_value(object_type: GraphQLObjectType, writer: Any) -> Any:
    """The conversion of an object field's value: checked to be of its type, then written whole."""
    is_type_of = object_type.is_type_of
    if is_type_of is None:
        return writer

    def checked(value: Any, context: Any) -> Any:
        return writer(value, context) if is_type_of(value, None) else FALLBACK

    return checked


def list_value(item_non_null: bool, item_as_is: type | None, item_convert: Any) -> Any:
    """The conversion of a list field's value: every item converted, nulls only where allowed."""

    def items(value: Any, context: Any) -> Any:
        out = []
        for item in value:
            if item is None:
                if item_non_null:
                    return FALLBACK
            elif item.__class__ is not item_as_is:
                item = item_convert(item, context)
                if item is FALLBACK:
                    return FALLBACK
            out.append(item)
        return out

    return items


def make_step(key: str, get: Any, non_null: bool, as_is: type | None, convert: Any) -> Step:
    """A step reading an attribute (``get`` a str: a basic field) or calling ``get``."""
    if get.__class__ is str:
        return Step(key, get, None, non_null, as_is, convert)
    return Step(key, None, get, non_null, as_is, convert)


def constant(value: Any, source: Any, context: Any) -> Any:
    """A getter answering ``value`` whatever the object (``__typename``)."""
    return value

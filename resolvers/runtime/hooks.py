"""Every internal of Strawberry and graphql-core the project leans on, named in one place.

pyproject.toml holds strawberry-graphql and graphql-core to the releases the tests ran on because
of what is listed here; CI runs tests/graphql against the newest releases too (``.ci/run``, allowed
to fail). When a release changes one of these, this module (and the executor's subclass) is what
changes.

- :data:`BaseExecutionContext`: Strawberry's subclass of graphql-core's ``ExecutionContext``;
  ``resolvers.runtime.execution.ExecutionContext`` overrides ``execute_fields`` and calls
  ``execute_field``, ``collect_subfields``, ``middleware_manager``, ``settle_in_background`` and
  ``is_awaitable`` with graphql-core 3.3's signatures.
- :data:`BASIC_RESOLVER` and :func:`definition`: how Strawberry marks a field that reads an attribute,
  and where it keeps a field's own definition (its resolver, permissions and extensions).
- :func:`depth_rule`, :func:`alias_rule`, :func:`validate_document`: Strawberry's validation rules
  and its validation call, used by the document cache (``resolvers.limits``).
- :func:`field_nodes`: the graphql-core resolve info under Strawberry's ``Info``.
- :func:`python_enum`: the Python enum behind Strawberry's GraphQL enum type.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSchema
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext as BaseExecutionContext
from strawberry.schema.schema import validate_document

__all__ = ["BASIC_RESOLVER", "BaseExecutionContext", "alias_rule", "definition", "depth_rule",
           "field_nodes", "graphql_schema", "python_enum", "resolver_function", "validate_document"]

#: What Strawberry names the resolver of a basic field (an attribute read that ignores ``info``).
BASIC_RESOLVER = "_get_basic_result"


def graphql_schema(schema: Any) -> GraphQLSchema:
    """The graphql-core schema Strawberry built."""
    return schema._schema


def definition(field: Any) -> Any:
    """The Strawberry field behind a graphql-core field, or None."""
    return field.extensions.get("strawberry-definition")


def resolver_function(field: Any) -> Any:
    """The function a Strawberry field was declared with (``strawberry.field(resolver=…)``), or None."""
    return getattr(getattr(definition(field), "base_resolver", None), "wrapped_func", None)


def field_nodes(info: Any) -> Any:
    """The field's nodes in the document, from Strawberry's ``Info``."""
    return info._raw_info.field_nodes


def python_enum(leaf_type: Any) -> Any:
    """The Python enum of a Strawberry enum type, or None for any other leaf type."""
    return getattr(leaf_type, "wrapped_cls", None)

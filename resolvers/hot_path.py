"""Known lookups answered without Strawberry's HTTP view and graphql-core's operation machinery.

A frontend sends the same few documents all day (``customer(id:)`` with the fields of its
screen). Once such a document has been parsed and validated by the normal path
(``resolvers.limits``), a *plan* is kept for it: its root fields, each with its graphql-core
field definition and the writer ``resolvers.execution`` compiled for the object below it. A
later request with that exact text is then answered by coercing its variables
(graphql-core's own ``get_variable_values`` and ``get_argument_values``), calling each root
field's resolver exactly as graphql-core would (Strawberry's wrapper included: argument
conversion, ``Info``, permissions) and writing the objects with the same writers.

Nothing here decides anything: the rules stay in the resolvers and services. Whatever the plan
cannot answer as the normal path would (a variable that does not coerce, a resolver that raises,
a null for a non-null field, a value the writer gives up on) makes it answer ``None``, and the
request goes the normal way, which runs the resolver again and reports the error as always
(queries only: resolvers of queries read and never write).
Planned: queries whose root fields are plain fields (no directive at the root, no introspection,
no fragment variables) each returning an object type the writers can write whole — lookups and
pages; not mutations, not documents whose @include / @skip take variables, and nothing at all
while a schema extension hooks every resolver (its hook would be skipped here).

Measured (bench/README.md): the lookup 0.50 → 0.35 ms over HTTP, level with a generic server
generated from the database; a 50-row page 1.89 → 1.65 ms.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import orjson
from graphql import (
    GraphQLObjectType,
    GraphQLResolveInfo,
    OperationType,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import collect_fields
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.pyutils import Path
from starlette.requests import Request
from starlette.responses import Response

from resolvers import request_guard
from resolvers.execution import FALLBACK, OBJECT, ExecutionContext, _complete, _varies
from resolvers.limits import CACHE_SIZE, LRU, MAX_TOKENS, PARSED, VALIDATED

#: No plan can be made for this document (a mutation, an abstract type …): never try again.
NO_PLAN: Any = object()


class RootField(NamedTuple):
    key: str  # the response key (alias or name)
    name: str
    definition: Any  # GraphQLField
    nodes: list[Any]
    non_null: bool
    object_type: GraphQLObjectType
    writer: Any


class Plan(NamedTuple):
    operation: Any
    fragment_definitions: dict[str, Any]
    fields: tuple[RootField, ...]
    template: Any  # an ExecutionContext of the document: schema, is_awaitable, abort signal, helpers


#: (document text, operation name) → its plan, or NO_PLAN. As bounded as the parse cache.
PLANS: LRU[tuple[str, str | None], Any] = LRU(CACHE_SIZE)
#: Requests answered here since start-up (tests read it).
answered = 0


def usable(extensions: Any) -> bool:
    """Whether plans may answer at all: no extension of the schema hooks every resolver (Strawberry
    runs such a hook as graphql-core middleware, which a plan does not)."""
    return not any(extension._implements_resolve() for extension in extensions)


def _plan(schema: Any, query: str, operation_name: str | None, raw_variables: dict[str, Any]) -> Any:
    """The plan of a parsed and validated document, NO_PLAN, or None when it cannot be known yet
    (the document not validated yet, or this request's variables not good enough to build it)."""
    document = PARSED.peek((query, MAX_TOKENS))
    errors = VALIDATED.peek(query)
    if document is None or errors is None:
        return None
    if errors:
        return NO_PLAN
    context = ExecutionContext.build(schema, document, None, None, raw_variables, operation_name)
    if isinstance(context, list):  # bad variables this time: the normal path says so
        return None
    operation = context.operation
    if operation.operation != OperationType.QUERY or _varies(operation, context.fragments):
        return NO_PLAN
    root = schema.query_type
    collected = collect_fields(schema, context.fragments, context.variable_values, root, operation)
    if collected.new_defer_usages or collected.forbidden_directive_instances or not collected.grouped_field_set:
        return NO_PLAN
    fields = []
    for key, details in collected.grouped_field_set.items():
        node = details[0].node
        name = node.name.value
        definition = root.fields.get(name)
        if (definition is None or name.startswith("__") or len(details) != 1 or node.directives
                or details[0].fragment_variable_values is not None):
            return NO_PLAN
        non_null = is_non_null_type(definition.type)
        object_type = definition.type.of_type if non_null else definition.type
        if not is_object_type(object_type):
            return NO_PLAN
        below = context._child_writer(object_type, details, 0)
        if below is None:
            return NO_PLAN
        fields.append(RootField(key, name, definition, [node], non_null, object_type, below[1]))
    return Plan(operation, context.fragment_definitions, tuple(fields), context)


def plan_for(schema: Any, query: str, operation_name: str | None, raw_variables: dict[str, Any]) -> Plan | None:
    key = (query, operation_name)
    plan = PLANS.peek(key)
    if plan is None:
        plan = _plan(schema, query, operation_name, raw_variables)
        if plan is None:
            return None
        PLANS.get_or_make(key, lambda: plan)
    return None if plan is NO_PLAN else plan


async def answer(schema: Any, request: Request, context: Any) -> Response | None:
    """The answer to a planned document, or None (the normal path answers)."""
    global answered
    if request.method != "POST" or request.headers.get("content-type", "").partition(";")[0].strip().lower() \
            != "application/json":
        return None
    try:
        data = request_guard.decode_json(await request.body())
    except request_guard.BadRequest:
        return None
    if not isinstance(data, dict) or not data.keys() <= {"query", "variables", "operationName"}:
        return None
    query, variables, operation_name = data.get("query"), data.get("variables"), data.get("operationName")
    if not isinstance(query, str) or not isinstance(variables, (dict, type(None))) \
            or not isinstance(operation_name, (str, type(None))):
        return None
    plan = plan_for(schema, query, operation_name, variables or {})
    if plan is None:
        return None
    written = await _run(plan, variables or {}, context)
    if written is None:
        return None
    answered += 1
    return Response(orjson.dumps({"data": written}), media_type="application/json")


async def _run(plan: Plan, raw_variables: dict[str, Any], context: Any) -> dict[str, Any] | None:
    template = plan.template
    schema = template.schema
    variables = get_variable_values(schema, plan.operation.variable_definitions or (), raw_variables)
    if isinstance(variables, list):
        return None
    out: dict[str, Any] = {}
    try:
        for field in plan.fields:
            definition = field.definition
            args = get_argument_values(definition, field.nodes[0], variables) if definition.args else {}
            info = GraphQLResolveInfo(
                field.name, field.nodes, definition.type, schema.query_type, Path(None, field.key, "Query"),
                schema, plan.fragment_definitions, None, plan.operation, variables, context,
                template.is_awaitable, template.abort_signal, template.async_helpers)
            value = definition.resolve(None, info, **args)
            if template.is_awaitable(value):
                value = await value
            value = _complete(OBJECT, value, None, field.non_null, (field.object_type, field.writer), context)
            if value is FALLBACK:
                return None
            out[field.key] = value
    except Exception:  # noqa: BLE001 - the normal path runs the resolver again and reports it
        return None
    return out

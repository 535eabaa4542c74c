"""Who may read what through GraphQL, and ID parsing.

Authentication (is there a live token?) is the door's job; what an actor may do
is decided by the services, which get the actor passed in.
"""

from __future__ import annotations

from resolvers.errors import graphql_error
from resolvers.runtime.context import Info
from services.actor import Actor
from services.errors import DomainError, ErrorCode, PermissionDenied, Unauthenticated
from services.ids import parse_id
from services.permissions import Action, can


def reader(info: Info) -> Actor:
    """The actor of a query that reads customer data; anonymous callers get an error."""
    if info.context.actor is None:
        raise graphql_error(Unauthenticated())
    return info.context.actor


def staff_reader(info: Info) -> Actor:
    actor = reader(info)
    if not can(actor, Action.LIST_CUSTOMERS):
        raise graphql_error(PermissionDenied("スタッフのみが参照できます。"))
    return actor


def may_read_customer(actor: Actor, customer_id: int) -> bool:
    """Staff read every customer; a customer token reads only its own record."""
    return can(actor, Action.READ_CUSTOMER, customer_id)


#: A GraphQL ``ID`` as a database id, or None when it cannot be one (the one rule of every door).
to_int = parse_id


def id_or_not_found(value: object, what: str, field: str) -> int:
    """For mutation inputs: an ID that cannot exist is reported like a missing record."""
    parsed = to_int(value)
    if parsed is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"指定された{what}が見つかりません。", field)
    return parsed

"""The Strawberry schema: Query and Mutation composed from one class per domain."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig

from resolvers.accounts import AccountMutation, AccountQuery
from resolvers.calendar import CalendarMutation, CalendarQuery
from resolvers.catalog import CatalogQuery
from resolvers.customer_import import CustomerImportMutation
from resolvers.customers import CustomerMutation, CustomerQuery
from resolvers.email_change import EmailChangeMutation
from resolvers import input_errors
from resolvers.errors import UNEXPECTED_MESSAGE, is_unexpected
from resolvers.flags import FlagMutation, FlagQuery
from resolvers.karte import KarteMutation, KarteQuery
from resolvers.karte_images import KarteImageMutation
from resolvers.line import LineMutation
from resolvers.referrals import ReferralMutation
from resolvers.walk_in import WalkInMutation, WalkInQuery
from resolvers.withdrawal import WithdrawalMutation, WithdrawalQuery
from resolvers.limits import (
    MAX_ALIASES,
    MAX_QUERY_DEPTH,
    MAX_TOKENS,
    DocumentPipeline,
)
from resolvers.reservations import ReservationMutation, ReservationQuery
from resolvers.tickets import TicketMutation, TicketQuery
from resolvers.runtime.execution import ExecutionContext, install_direct_resolvers
from resolvers.runtime.fields import bind
from schema.scalars import SCALAR_MAP

__all__ = ["MAX_ALIASES", "MAX_QUERY_DEPTH", "MAX_TOKENS", "schema"]


@strawberry.type(description="照会 (root query)")
class Query(AccountQuery, CustomerQuery, CatalogQuery, FlagQuery, ReservationQuery, TicketQuery, CalendarQuery,
            WithdrawalQuery, WalkInQuery, KarteQuery):
    pass


@strawberry.type(
    description="更新 (root mutation: each takes one `input` and returns a payload with `errors`)"
)
class Mutation(AccountMutation, CustomerMutation, EmailChangeMutation, FlagMutation, ReservationMutation,
               CustomerImportMutation, TicketMutation, CalendarMutation, LineMutation, WithdrawalMutation,
               ReferralMutation, WalkInMutation, KarteMutation, KarteImageMutation):
    pass


class RequestPipeline(DocumentPipeline):
    """The document pipeline, then unexpected errors masked (what Strawberry's ``MaskErrors`` does,
    in the same hook instead of an extension and a context manager of its own per request) and
    refused input values answered in Japanese (``resolvers/input_errors.py``)."""

    def finish(self) -> None:
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [_masked(error) if is_unexpected(error) else input_errors.in_japanese(error)
                             for error in errors]


def _masked(error: GraphQLError) -> GraphQLError:
    """The error as a client sees an unexpected one: the generic message, where it happened, no cause."""
    return GraphQLError(message=UNEXPECTED_MESSAGE, nodes=error.nodes, source=error.source,
                        positions=error.positions, path=error.path, original_error=None)


class SalonSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # Expected failures (UNAUTHENTICATED, a bad cursor, query validation) are answers, not
        # incidents: only bugs are logged, with their traceback.
        super().process_errors([e for e in errors if is_unexpected(e)], execution_context)


def build_schema() -> strawberry.Schema:
    built = SalonSchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        execution_context_class=ExecutionContext,
        # The limits (the token limit and the rules), the parse and validation caches, the masking
        # of unexpected errors: one extension.
        extensions=[RequestPipeline],
    )
    bind(built)  # the links and derived fields, where the types declare them
    install_direct_resolvers(built)
    return built


schema = build_schema()

"""The Strawberry schema: Query and Mutation composed from one class per domain."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.config import StrawberryConfig

from resolvers.accounts import AccountMutation, AccountQuery
from resolvers.catalog import CatalogQuery
from resolvers.customer_import import CustomerImportMutation
from resolvers.customers import CustomerMutation, CustomerQuery
from resolvers.errors import UNEXPECTED_MESSAGE, is_unexpected
from resolvers.execution import ExecutionContext, install_direct_resolvers
from resolvers.flags import FlagMutation, FlagQuery
from resolvers.limits import (
    MAX_ALIASES,
    MAX_QUERY_DEPTH,
    MAX_TOKENS,
    DocumentPipeline,
)
from resolvers.reservations import ReservationMutation, ReservationQuery
from schema.scalars import SCALAR_MAP

__all__ = ["MAX_ALIASES", "MAX_QUERY_DEPTH", "MAX_TOKENS", "schema"]


@strawberry.type(description="照会 (root query)")
class Query(AccountQuery, CustomerQuery, CatalogQuery, FlagQuery, ReservationQuery):
    pass


@strawberry.type(
    description="更新 (root mutation: each takes one `input` and returns a payload with `errors`)"
)
class Mutation(AccountMutation, CustomerMutation, FlagMutation, ReservationMutation, CustomerImportMutation):
    pass


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
        extensions=[
            # The limits (the token limit and the rules) and the parse and validation caches.
            DocumentPipeline,
            lambda: MaskErrors(should_mask_error=is_unexpected, error_message=UNEXPECTED_MESSAGE),
        ],
    )
    install_direct_resolvers(built)
    return built


schema = build_schema()

"""How failures leave the API.

- A mutation's :class:`DomainError` becomes ``UserError`` entries in its payload
  (``resolvers.mutation.mutate``, the one place that does it).
- A query that cannot answer raises :func:`graphql_error` (a ``GraphQLError`` with
  ``extensions.code``, e.g. ``UNAUTHENTICATED``, and ``extensions.field`` when one argument is
  at fault, e.g. ``dateTo``), which clients see as is.
- Anything else is a bug: its message is replaced by :data:`UNEXPECTED_MESSAGE`
  and it is logged with its traceback.
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.utils.str_converters import to_camel_case

from schema.scalars import InvalidScalar
from services.errors import DomainError, ErrorCode

UNEXPECTED_MESSAGE = "予期しないエラーが発生しました。時間をおいて再度お試しください。"


def graphql_error(exc: DomainError) -> GraphQLError:
    extensions = {"code": exc.code.value}
    if exc.field is not None:
        extensions["field"] = to_camel_case(exc.field)  # as UserError.field names it
    return GraphQLError(exc.message, extensions=extensions)


def invalid_argument(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": ErrorCode.INVALID.value})


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors raised by a bug (masked), False for validation and expected failures."""
    original = error.original_error
    if original is None or isinstance(original, (GraphQLError, DomainError)):
        return False
    # A literal our scalar refuses reaches validation as the scalar's ValueError: an answer.
    return not (error.path is None and isinstance(original, InvalidScalar))

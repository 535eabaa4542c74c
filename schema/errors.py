"""``UserError``: an expected failure, returned in a mutation payload's ``errors``."""

from __future__ import annotations

import strawberry
from strawberry.utils.str_converters import to_camel_case

from schema.enums import ErrorCode
from services.errors import DomainError


@strawberry.type(description="入力エラー (a rule the input broke; nothing was written)")
class UserError:
    field: str | None = strawberry.field(
        description="項目 (the input field in camelCase, e.g. `lastNameKana`; null for the whole input)"
    )
    code: ErrorCode = strawberry.field(description="エラーコード (stable code)")
    message: str = strawberry.field(description="メッセージ (Japanese message to show)")


def user_errors(exc: DomainError) -> list[UserError]:
    """A service's field errors as payload entries (service field names are snake_case)."""
    return [
        UserError(field=to_camel_case(e.field) if e.field else None, code=e.code, message=e.message)
        for e in exc.errors
    ]

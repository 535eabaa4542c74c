"""Payloads of staff login, logout and customer tokens: the result (null on failure) and ``errors``."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.errors import UserError
from schema.payloads.common import ERRORS as _ERRORS
from schema.types.account import StaffAccount
from schema.types.customer import Customer


@strawberry.type(description="ログインの結果 (login result)")
class LoginPayload:
    token: str | None = strawberry.field(
        default=None, description="トークン (bearer token: send `Authorization: Bearer <token>`)"
    )
    expires_at: datetime | None = strawberry.field(default=None, description="有効期限 (token expiry)")
    account: StaffAccount | None = strawberry.field(default=None, description="アカウント (the account)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="お客様トークン発行の結果 (issueCustomerToken result)")
class IssueCustomerTokenPayload:
    token: str | None = strawberry.field(
        default=None, description="トークン (customer bearer token: sees only this customer's data)"
    )
    expires_at: datetime | None = strawberry.field(default=None, description="有効期限 (token expiry)")
    customer: Customer | None = strawberry.field(default=None, description="顧客 (the customer)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="ログアウトの結果 (logout result)")
class LogoutPayload:
    revoked: bool = strawberry.field(default=False, description="無効化した (the token no longer works)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)

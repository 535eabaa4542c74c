"""Mutation payloads: the result (null on failure) and ``errors: [UserError!]!`` (empty on success)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.errors import UserError
from schema.types.account import StaffAccount
from schema.types.customer import Customer

_ERRORS = "エラー (problems found; empty on success — when not empty, nothing was written)"


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


@strawberry.type(description="顧客登録の結果 (createCustomer result)")
class CreateCustomerPayload:
    customer: Customer | None = strawberry.field(default=None, description="登録した顧客 (the new customer)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="顧客情報変更の結果 (updateCustomer result)")
class UpdateCustomerPayload:
    customer: Customer | None = strawberry.field(default=None, description="変更後の顧客 (the customer)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="顧客削除の結果 (deleteCustomer result)")
class DeleteCustomerPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="削除した顧客ID (id of the deleted customer)"
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)

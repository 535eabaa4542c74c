"""Inputs of staff login, logout and customer tokens."""

from __future__ import annotations

import strawberry


@strawberry.input(description="ログイン (staff login)")
class LoginInput:
    login_id: str = strawberry.field(description="ログインID (login id)")
    password: str = strawberry.field(description="パスワード (password)")


@strawberry.input(description="お客様トークンの発行 (customer token for the reservation site's server)")
class IssueCustomerTokenInput:
    customer_id: strawberry.ID = strawberry.field(description="顧客ID (customer id)")


@strawberry.input(description="ログアウト (revoke a bearer token)")
class LogoutInput:
    token: str | None = strawberry.field(
        default=None, description="トークン (token to revoke; default: the one in the Authorization header)"
    )

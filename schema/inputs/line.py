"""Inputs of LINE linking (the reservation site's server) and unlinking (staff)."""

from __future__ import annotations

import strawberry


@strawberry.input(description="LINE連携 (the reservation site's server, with its site credential: "
                  "`Authorization: ApiClient <secret>`)")
class LinkLineAccountInput:
    line_user_id: str = strawberry.field(description="LINEユーザーID (LINE user id: U and 32 hex digits)")
    display_name: str | None = strawberry.field(default=None, description="LINE名 (LINE display name)")
    picture_url: str | None = strawberry.field(default=None, description="画像 (LINE picture URL, https)")
    last_name: str | None = strawberry.field(default=None, description="姓 (last name the customer gave)")
    first_name: str | None = strawberry.field(default=None, description="名 (first name the customer gave)")
    email: str | None = strawberry.field(default=None, description="メールアドレス (e-mail the customer gave)")


@strawberry.input(description="LINE連携の解除 (staff; recorded, the customer's tokens stop working)")
class UnlinkLineAccountInput:
    customer_id: strawberry.ID = strawberry.field(description="顧客ID (customer id)")

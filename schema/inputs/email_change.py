"""Inputs of a customer's e-mail change, confirmed from the new address."""

from __future__ import annotations

import strawberry


@strawberry.input(description="メールアドレス変更の受付 (the reservation site's server, with its site credential)")
class StartEmailChangeInput:
    customer_id: strawberry.ID = strawberry.field(description="顧客ID (customer id)")
    email: str = strawberry.field(description="新しいメールアドレス (the new address; the token is mailed there)")


@strawberry.input(description="メールアドレス変更の確認 (the token from the mail)")
class ConfirmEmailChangeInput:
    token: str = strawberry.field(description="確認トークン (token from the link mailed to the new address)")

"""Inputs of referrals (紹介): add, change the memo, remove (staff)."""

from __future__ import annotations

import strawberry


@strawberry.input(description="紹介の登録 (staff: referrer referred the other customer)")
class AddReferralInput:
    referrer_id: strawberry.ID = strawberry.field(description="紹介者の顧客ID (the customer who referred)")
    referred_id: strawberry.ID = strawberry.field(description="紹介されたお客様の顧客ID (the customer referred)")
    memo: str | None = strawberry.field(default=None, description="メモ (e.g. the discount given; 1000 characters)")


@strawberry.input(description="紹介のメモの変更 (staff)")
class UpdateReferralInput:
    id: strawberry.ID = strawberry.field(description="紹介ID (CustomerReferral.id)")
    memo: str | None = strawberry.field(default=None, description="メモ (empty clears it; 1000 characters)")


@strawberry.input(description="紹介の削除 (staff)")
class RemoveReferralInput:
    id: strawberry.ID = strawberry.field(description="紹介ID (CustomerReferral.id)")

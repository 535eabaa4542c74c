"""Payloads of the customer mutations: the result (null on failure) and ``errors`` (empty on success)."""

from __future__ import annotations


import strawberry

from schema.errors import UserError
from schema.payloads.common import ERRORS as _ERRORS
from schema.types.customer import Customer


@strawberry.type(description="顧客登録の結果 (createCustomer result)")
class CreateCustomerPayload:
    customer: Customer | None = strawberry.field(default=None, description="登録した顧客 (the new customer)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="新規電話予約の結果 (registerPhoneCustomer result)")
class RegisterPhoneCustomerPayload:
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

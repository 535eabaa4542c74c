"""退会者 (SPEC §9): a withdrawal, with its customer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from resolvers.runtime.fields import link
from resolvers.runtime.loaders import Loaders
from schema.generate import model_type
from schema.relay import Connection

if TYPE_CHECKING:
    from schema.types.customer import Customer

CustomerType = Annotated["Customer", strawberry.lazy("schema.types.customer")]


@model_type(models.Withdrawal, include={"id": "identifier", "reason": "退会理由 (the customer's reason)",
                                        "withdrawn_at": "退会日 (when)"},
            description="退会 (a customer's withdrawal from the reservation site)")
class Withdrawal:
    customer: CustomerType = link(Loaders.customer, "customer_id",
                                  description="お客様 (number, name, LINE name, e-mail, phone, inflow routes)")


@strawberry.type(name="WithdrawalConnection", description="退会者一覧 (a page of withdrawals)")
class WithdrawalConnection(Connection[Withdrawal]):
    pass

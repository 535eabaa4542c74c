"""Mutation payloads, one module per domain: the result (null on failure) and
``errors: [UserError!]!`` (empty on success)."""

from schema.payloads.account import IssueCustomerTokenPayload, LoginPayload, LogoutPayload
from schema.payloads.customer import CreateCustomerPayload, DeleteCustomerPayload, UpdateCustomerPayload
from schema.payloads.reservation import BookReservationPayload, ReservationPayload

__all__ = [
    "CreateCustomerPayload", "DeleteCustomerPayload", "IssueCustomerTokenPayload", "LoginPayload",
    "LogoutPayload", "UpdateCustomerPayload", "BookReservationPayload", "ReservationPayload",
]

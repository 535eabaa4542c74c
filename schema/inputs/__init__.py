"""GraphQL input types, one module per domain (``customer``, ``account`` …).

Fields the service validates (names, kana, phone …) are nullable on purpose: a missing
value comes back as a ``UserError`` with a Japanese message, not as a GraphQL validation
error a salon frontend cannot show.
"""

from schema.inputs.account import IssueCustomerTokenInput, LoginInput, LogoutInput
from schema.inputs.customer import (
    CreateCustomerInput,
    CustomerFilterInput,
    CustomerOrder,
    DeleteCustomerInput,
    RegisterPhoneCustomerInput,
    UpdateCustomerInput,
)
from schema.inputs.reservation import (
    CreateReservationInput,
    HoldSlotInput,
    RescheduleReservationInput,
    ReservationFilterInput,
    ReservationIdInput,
)

__all__ = [
    "CreateCustomerInput", "HoldSlotInput", "CustomerFilterInput", "CustomerOrder", "DeleteCustomerInput",
    "IssueCustomerTokenInput", "LoginInput", "LogoutInput", "RegisterPhoneCustomerInput", "UpdateCustomerInput",
    "CreateReservationInput", "RescheduleReservationInput", "ReservationFilterInput", "ReservationIdInput",
]

"""Domain errors shared by every door.

Services raise :class:`DomainError`; GraphQL resolvers turn it into ``UserError``
payload entries and admin views into a message on the page.  ``code`` is stable
(frontends branch on it), ``message`` is Japanese (staff and customers read it).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

R = TypeVar("R")


class ErrorCode(str, enum.Enum):
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    INVALID_KANA = "INVALID_KANA"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_EMAIL = "INVALID_EMAIL"
    DUPLICATE_EMAIL = "DUPLICATE_EMAIL"
    DUPLICATE_PHONE = "DUPLICATE_PHONE"
    EMAIL_CONFIRMATION_REQUIRED = "EMAIL_CONFIRMATION_REQUIRED"
    INVALID_TOKEN = "INVALID_TOKEN"
    INVALID_DATE = "INVALID_DATE"
    INVALID_POSTAL_CODE = "INVALID_POSTAL_CODE"
    UNKNOWN_POSTAL_CODE = "UNKNOWN_POSTAL_CODE"
    INVALID_CUSTOMER_NO = "INVALID_CUSTOMER_NO"
    DUPLICATE_CUSTOMER_NO = "DUPLICATE_CUSTOMER_NO"
    TOO_LONG = "TOO_LONG"
    NOT_FOUND = "NOT_FOUND"
    HAS_VISIT_HISTORY = "HAS_VISIT_HISTORY"
    HAS_LINE_LINK = "HAS_LINE_LINK"
    HAS_REFERRALS = "HAS_REFERRALS"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
    DUPLICATE = "DUPLICATE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    STAFF_BUSY = "STAFF_BUSY"
    SLOT_FULL = "SLOT_FULL"
    PAST_DEADLINE = "PAST_DEADLINE"
    BLACKLISTED = "BLACKLISTED"
    CUSTOMER_WITHDRAWN = "CUSTOMER_WITHDRAWN"
    PREPAYMENT_IN_USE = "PREPAYMENT_IN_USE"
    IN_USE = "IN_USE"
    INVALID_FILE = "INVALID_FILE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    IMPORT_CHANGED = "IMPORT_CHANGED"
    TICKET_BOOKED_AFTER = "TICKET_BOOKED_AFTER"
    NO_REFUND = "NO_REFUND"
    STORE_CLOSED = "STORE_CLOSED"
    OUTSIDE_HOURS = "OUTSIDE_HOURS"
    NOT_A_SLOT = "NOT_A_SLOT"
    TOO_SHORT_NOTICE = "TOO_SHORT_NOTICE"
    BEYOND_HORIZON = "BEYOND_HORIZON"
    IN_PAST = "IN_PAST"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    NOT_LINKED = "NOT_LINKED"


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field (``field`` is None for the whole input)."""

    field: str | None
    code: ErrorCode
    message: str


class DomainError(Exception):
    """A rule was broken; carries one or more :class:`FieldError`."""

    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        self.errors: list[FieldError] = [FieldError(field, code, message)]
        super().__init__(message)

    @classmethod
    def many(cls, errors: list[FieldError]) -> DomainError:
        """Raise several field errors at once (e.g. a form with three bad fields)."""
        assert errors
        first = errors[0]
        err = cls(first.code, first.message, first.field)
        err.errors = list(errors)
        return err

    @property
    def code(self) -> ErrorCode:
        return self.errors[0].code

    @property
    def message(self) -> str:
        return self.errors[0].message

    @property
    def field(self) -> str | None:
        return self.errors[0].field


class Collector:
    """Gathers field errors so that one response reports every problem, not only the first."""

    def __init__(self, errors: tuple[FieldError, ...] | list[FieldError] = ()) -> None:
        self.errors: list[FieldError] = list(errors)

    def run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R | None:
        """``fn(...)``; None (and its errors kept) when it raises a :class:`DomainError`."""
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            self.errors.extend(exc.errors)
            return None

    def add(self, field: str | None, code: ErrorCode, message: str) -> None:
        self.errors.append(FieldError(field, code, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise DomainError.many(self.errors)


class NotFound(DomainError):
    def __init__(self, what: str, field: str | None = "id") -> None:
        super().__init__(ErrorCode.NOT_FOUND, f"{what}が見つかりません。", field)


class PermissionDenied(DomainError):
    def __init__(self, message: str = "この操作を行う権限がありません。") -> None:
        super().__init__(ErrorCode.PERMISSION_DENIED, message, None)


class Unauthenticated(DomainError):
    def __init__(self, message: str = "ログインが必要です。") -> None:
        super().__init__(ErrorCode.UNAUTHENTICATED, message, None)

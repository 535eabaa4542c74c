"""The customer field registry and :func:`clean_customer`, the one place a customer's data is checked.

Every column of ``Customer`` (and the three collections a caller sends with a customer) is
listed in :data:`FIELDS` with its Japanese label, who may set it, whether it is required on a
full registration, whether null is allowed and its limits.  Labels are written here only; the
column comments (shown by the admin) must say the same (a test compares them).

:func:`clean_customer` validates and normalises one customer's data without touching the
database: it returns the normalised values and *every* problem at once.  The customer service,
the demo loader, the import, the merge and LINE linking all use it; what needs the database
(uniqueness, existing masters, the postal-code → address fill) stays in ``services.customers``.

Modes (:class:`Mode`):

``FULL`` (新規登録)
    A new customer registered by staff: every field marked ``required_on_full``
    (姓, 名, セイ, メイ, 電話番号, メールアドレス) must be given.
``PHONE`` (新規電話予約)
    A new customer taken over the phone: 姓, 名 (katakana is fine) and 電話番号.
``IMPORT`` (一括登録)
    A row of an Excel / CSV import: only 姓 and 名 are required (SPEC §10).
``UPDATE`` (変更)
    Staff change the given fields of a stored customer; a field not given stays as it is.
    Names cannot be blanked; セイ, メイ, 電話番号 and メールアドレス cannot be blanked once
    stored (pass ``current``; a phone-only customer may still lack kana).
``SELF_EDIT`` (お客様ご自身による変更)
    As ``UPDATE``, but only fields marked ``customer_editable`` may be given.
``LINE`` (LINE連携)
    A new customer registered when the reservation site links a LINE account nobody matches:
    姓, 名 and メールアドレス (services.line_link).

Text rules: every text has a length limit and a longer value is an error (never cut);
names, kana, phone and e-mail refuse control characters and bidi overrides; free text
(address, notes) drops them, keeping newlines and tabs in notes; a lone surrogate is refused
everywhere (it is not text and no database can store it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, make_dataclass
from typing import Any

from services.customer_fields.registry import (
    COLLECTION_FIELDS,
    CUSTOMER_EDITABLE,
    FIELDS,
    MAX_ATTRIBUTES,
    MAX_ID,
    MAX_IDS,
    REQUIRED_BY_MODE,
    REQUIRED_ON_FULL,
    SCALAR_FIELDS,
    SETTABLE,
    CustomerField,
    Kind,
    Mode,
    Role,
    label_of,
    normalize_customer_no,
)
from services.customer_fields.rules import clean_value
from services.errors import DomainError, ErrorCode, FieldError

__all__ = [
    "COLLECTION_FIELDS", "CUSTOMER_EDITABLE", "FIELDS", "MAX_ATTRIBUTES", "MAX_ID", "MAX_IDS",
    "REQUIRED_BY_MODE", "REQUIRED_ON_FULL", "SCALAR_FIELDS", "SETTABLE", "UNSET", "CleanResult",
    "CustomerField", "CustomerInput", "Kind", "Mode", "Role", "clean_customer", "clean_value",
    "customer_input", "label_of", "normalize_customer_no",
]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


def _given(self: Any) -> dict[str, Any]:
    """The fields that were given, as a dict."""
    return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not UNSET}


#: One customer's data as a caller sends it: a field per settable field of the registry, ``UNSET``
#: when not given.
CustomerInput = make_dataclass(
    "CustomerInput", [(name, Any, field(default=UNSET)) for name in SETTABLE],
    namespace={"given": _given, "__doc__": "One customer's data as a caller sends it; UNSET = not given."})


@dataclass(frozen=True)
class CleanResult:
    """Normalised values of the fields given, and every problem found."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: tuple[FieldError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_if_errors(self) -> None:
        if self.errors:
            raise DomainError.many(list(self.errors))


def clean_customer(
    data: CustomerInput | Mapping[str, Any], mode: Mode, *, current: Mapping[str, Any] | None = None
) -> CleanResult:
    """Validate and normalise one customer's data (see the module docstring for the modes).

    ``current`` (UPDATE / SELF_EDIT) is the stored customer's values: a required field that is
    set there cannot be blanked.  No database access; every problem is reported at once.
    """
    given = data.given() if isinstance(data, CustomerInput) else dict(data)
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for key, raw in given.items():
        problem = _refusal(key, mode)
        if problem is not None:
            errors.append(problem)
            continue
        try:
            values[key] = clean_value(FIELDS[key], raw)
        except DomainError as exc:
            errors.extend(exc.errors)
    errors += _missing(values, given, mode, current, {e.field for e in errors})
    return CleanResult(values, tuple(errors))


def _refusal(key: str, mode: Mode) -> FieldError | None:
    spec = FIELDS.get(key)
    if spec is None or not spec.settable:
        return FieldError(key, ErrorCode.INVALID, f"{label_of(key)}は入力できない項目です。")
    if mode is Mode.SELF_EDIT and not spec.customer_editable:
        return FieldError(key, ErrorCode.PERMISSION_DENIED, f"{spec.label}はお客様ご自身では変更できません。")
    return None


def _missing(values: dict[str, Any], given: dict[str, Any], mode: Mode,
             current: Mapping[str, Any] | None, already: set[str | None]) -> list[FieldError]:
    required = list(REQUIRED_BY_MODE[mode])
    if mode in (Mode.UPDATE, Mode.SELF_EDIT):
        # Only what is given is checked; a stored value of a required field cannot be blanked.
        stored = current or {}
        required = [k for k in required if k in given]
        required += [k for k in REQUIRED_ON_FULL if k in given and k not in required and stored.get(k)]
    return [
        FieldError(key, ErrorCode.REQUIRED, f"{FIELDS[key].label}を入力してください。")
        for key in required
        if key not in already and not values.get(key)
    ]


def customer_input(data: Mapping[str, Any]) -> CustomerInput:
    """A :class:`CustomerInput` from a dict; unknown keys are a DomainError (one per key)."""
    names = {f.name for f in fields(CustomerInput)}
    unknown = [k for k in data if k not in names]
    if unknown:
        raise DomainError.many([FieldError(k, ErrorCode.INVALID, f"{label_of(k)}は入力できない項目です。")
                                for k in unknown])
    return CustomerInput(**data)

"""Customer inputs: the list filter, its sort order and the mutation inputs.

The registration and change inputs are built from the customer field registry
(``services.customer_fields``): a settable field, its label and what it holds are written there
once, and a field added there is in the API (a test fails when one is missing).

Fields the service validates (names, kana, phone …) are nullable here on purpose:
a missing value comes back as a ``UserError`` with a Japanese message, not as a
GraphQL validation error a salon frontend cannot show.
"""

from __future__ import annotations

import enum
from typing import Any, get_origin

import strawberry

from schema.enums import CustomerOrderField, Gender, OrderDirection
from services.customer_fields import FIELDS, SETTABLE, CustomerField, Kind
from services.customers import PHONE_FIELDS


@strawberry.input(
    name="CustomerFilter", description="顧客の基本検索 (basic search, SPEC §2; given fields are AND-ed)"
)
class CustomerFilterInput:
    name: str | None = strawberry.field(
        default=None,
        description="氏名・フリガナ・LINE名 (partial; spaces, full/half width and hiragana/katakana ignored)",
    )
    customer_no: str | None = strawberry.field(default=None, description="お客様番号 (partial)")
    phone: str | None = strawberry.field(default=None, description="電話番号 (partial, any format: 090-1234)")
    last_menu_id: strawberry.ID | None = strawberry.field(
        default=None, description="最終利用メニュー (last used menu)"
    )
    staff_id: strawberry.ID | None = strawberry.field(
        default=None, description="スタッフ (has any reservation with this staff member)"
    )
    menu_id: strawberry.ID | None = strawberry.field(
        default=None, description="メニュー (has any reservation with this menu)"
    )
    include_withdrawn: bool = strawberry.field(
        default=False, description="退会済みを含める (include withdrawn customers)"
    )


@strawberry.input(description="顧客一覧の並び順 (customer sort order; ties broken by id)")
class CustomerOrder:
    field: CustomerOrderField = strawberry.field(description="並び替え項目 (sort key)")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC, description="方向 (direction)")


_TEXT = (Kind.CUSTOMER_NO, Kind.NAME, Kind.KANA, Kind.PHONE, Kind.EMAIL, Kind.DATE, Kind.POSTAL_CODE,
         Kind.LINE_TEXT, Kind.NOTES)
#: The GraphQL type of each kind of settable field (as sent on registration).
_TYPES: dict[Kind, Any] = {**dict.fromkeys(_TEXT, str | None), Kind.REF: strawberry.ID | None,
                           Kind.REF_LIST: list[strawberry.ID], Kind.TAGS: list[str], Kind.BOOL: bool,
                           Kind.COUNT: int}
_ENUMS: dict[str, type[enum.Enum]] = {"gender": Gender}


def _create_field(spec: CustomerField) -> tuple[Any, Any]:
    """A field of the registration input: its type, its default and its description, from the registry."""
    if spec.kind is Kind.ENUM:
        annotation: Any = _ENUMS[spec.name]
        default: Any = annotation[spec.default]
    else:
        annotation, default = _TYPES[spec.kind], spec.default
    description = f"{spec.label} ({spec.about}{'; required' if spec.required_on_full else ''})"
    if isinstance(get_origin(annotation) or annotation, type) and issubclass(get_origin(annotation) or annotation,
                                                                              list):
        return annotation, strawberry.field(default_factory=list, description=description)
    return annotation, strawberry.field(default=default, description=description)


def _update_field(spec: CustomerField) -> tuple[Any, Any]:
    """A field of the change input: optional, UNSET when not given, null as the registry allows."""
    annotation = _ENUMS[spec.name] if spec.kind is Kind.ENUM else _TYPES[spec.kind]
    refused = "; null is refused" if not spec.nullable else f"; null = {spec.default}" if spec.default else ""
    replaced = "; replaces the list" if not spec.column else ""
    return annotation | None, strawberry.field(default=strawberry.UNSET,
                                               description=f"{spec.label} ({spec.about}{refused}{replaced})")


def _input(name: str, description: str, fields: dict[str, tuple[Any, Any]]) -> type:
    namespace: dict[str, Any] = {"__annotations__": {}, "__module__": __name__, "__doc__": description}
    for key, (annotation, field) in fields.items():
        namespace["__annotations__"][key] = annotation
        namespace[key] = field
    return strawberry.input(name=name, description=description)(type(name, (), namespace))


#: 顧客登録: one field per settable customer field of the registry, in its order.
CreateCustomerInput = _input(
    "CreateCustomerInput", "顧客登録 (new customer, SPEC §1; the number is allocated when omitted)",
    {name: _create_field(FIELDS[name]) for name in SETTABLE})
#: 新規電話予約: names (kanji or katakana), optional kana and the phone; the e-mail is the placeholder.
RegisterPhoneCustomerInput = _input(
    "RegisterPhoneCustomerInput",
    "新規電話予約 (a customer taken over the phone: names and phone; the e-mail becomes "
    "<phone>@<placeholder domain> until a real one is saved)",
    {name: _create_field(FIELDS[name])
     for name in PHONE_FIELDS})
#: 顧客情報の変更: the id, then every settable field, optional.
UpdateCustomerInput = _input(
    "UpdateCustomerInput", "顧客情報の変更 (only the fields given change; null clears a field)",
    {"id": (strawberry.ID, strawberry.field(description="顧客ID (customer id)")),
     **{name: _update_field(FIELDS[name]) for name in SETTABLE}})


@strawberry.input(description="顧客の削除 (managers only; refused while it has history, LINE or referrals)")
class DeleteCustomerInput:
    id: strawberry.ID = strawberry.field(description="顧客ID (customer id)")

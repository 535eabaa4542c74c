"""Customer inputs: the list filter, its sort order and the mutation inputs (explicit, never generated).

Fields the service validates (names, kana, phone …) are nullable here on purpose:
a missing value comes back as a ``UserError`` with a Japanese message, not as a
GraphQL validation error a salon frontend cannot show.
"""

from __future__ import annotations

import strawberry

from schema.enums import CustomerOrderField, Gender, OrderDirection


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


@strawberry.input(description="顧客登録 (new customer, SPEC §1; the number is allocated when omitted)")
class CreateCustomerInput:
    customer_no: str | None = strawberry.field(
        default=None, description="お客様番号 (letters and digits; empty = next number)"
    )
    last_name: str | None = strawberry.field(default=None, description="姓 (family name; required)")
    first_name: str | None = strawberry.field(default=None, description="名 (given name; required)")
    last_name_kana: str | None = strawberry.field(
        default=None, description="セイ (katakana; hiragana and half-width kana are converted; required)"
    )
    first_name_kana: str | None = strawberry.field(
        default=None, description="メイ (katakana; hiragana and half-width kana are converted; required)"
    )
    phone: str | None = strawberry.field(
        default=None, description="電話番号 (any format, full-width digits ok; required)"
    )
    email: str | None = strawberry.field(
        default=None, description="メールアドレス (unique among active customers; required)"
    )
    birth_date: str | None = strawberry.field(
        default=None, description="生年月日 (1990-04-01, 1990年4月1日, 平成2年4月1日 or H2.4.1)"
    )
    gender: Gender = strawberry.field(default=Gender.UNANSWERED, description="性別 (gender)")
    postal_code: str | None = strawberry.field(
        default=None, description="郵便番号 (seven digits; fills prefecture and city when they are empty)"
    )
    prefecture: str | None = strawberry.field(default=None, description="都道府県 (prefecture)")
    city: str | None = strawberry.field(default=None, description="市区町村 (city)")
    address_line: str | None = strawberry.field(default=None, description="住所 (rest of the address)")
    occupation_id: strawberry.ID | None = strawberry.field(default=None, description="職業 (occupation)")
    first_visit_motive_id: strawberry.ID | None = strawberry.field(
        default=None, description="初回来店動機 (first-visit motive)"
    )
    notes: str | None = strawberry.field(default=None, description="備考 (notes)")
    mail_ok: bool = strawberry.field(default=True, description="メール配信 (e-mail allowed)")
    phone_ok: bool = strawberry.field(default=True, description="電話連絡 (phone calls allowed)")
    dm_ok: bool = strawberry.field(default=True, description="DM配信 (direct mail allowed)")
    pre_system_visit_count: int = strawberry.field(
        default=0, description="システム導入前来店回数 (visits before the system)"
    )
    attributes: list[str] = strawberry.field(default_factory=list, description="顧客属性 (attributes)")
    inflow_route_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="流入経路 (inflow routes)"
    )
    free_item_choice_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="フリー項目の選択肢 (one choice per free item)"
    )


@strawberry.input(description="顧客情報の変更 (only the fields given change; null clears a field)")
class UpdateCustomerInput:
    id: strawberry.ID = strawberry.field(description="顧客ID (customer id)")
    customer_no: str | None = strawberry.field(
        default=strawberry.UNSET, description="お客様番号 (customer number)"
    )
    last_name: str | None = strawberry.field(default=strawberry.UNSET, description="姓 (family name)")
    first_name: str | None = strawberry.field(default=strawberry.UNSET, description="名 (given name)")
    last_name_kana: str | None = strawberry.field(default=strawberry.UNSET, description="セイ (katakana)")
    first_name_kana: str | None = strawberry.field(default=strawberry.UNSET, description="メイ (katakana)")
    phone: str | None = strawberry.field(default=strawberry.UNSET, description="電話番号 (phone)")
    email: str | None = strawberry.field(default=strawberry.UNSET, description="メールアドレス (e-mail)")
    birth_date: str | None = strawberry.field(
        default=strawberry.UNSET, description="生年月日 (1990-04-01, 平成2年4月1日, H2.4.1 …)"
    )
    gender: Gender | None = strawberry.field(
        default=strawberry.UNSET, description="性別 (gender; null = UNANSWERED)"
    )
    postal_code: str | None = strawberry.field(default=strawberry.UNSET, description="郵便番号 (postal code)")
    prefecture: str | None = strawberry.field(default=strawberry.UNSET, description="都道府県 (prefecture)")
    city: str | None = strawberry.field(default=strawberry.UNSET, description="市区町村 (city)")
    address_line: str | None = strawberry.field(default=strawberry.UNSET, description="住所 (address)")
    occupation_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="職業 (occupation)"
    )
    first_visit_motive_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="初回来店動機 (first-visit motive)"
    )
    notes: str | None = strawberry.field(default=strawberry.UNSET, description="備考 (notes)")
    mail_ok: bool | None = strawberry.field(
        default=strawberry.UNSET, description="メール配信 (e-mail allowed; null is refused)"
    )
    phone_ok: bool | None = strawberry.field(
        default=strawberry.UNSET, description="電話連絡 (phone calls allowed; null is refused)"
    )
    dm_ok: bool | None = strawberry.field(
        default=strawberry.UNSET, description="DM配信 (direct mail allowed; null is refused)"
    )
    pre_system_visit_count: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="システム導入前来店回数 (visits before the system; null is refused)",
    )
    attributes: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="顧客属性 (replaces the list)"
    )
    inflow_route_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="流入経路 (replaces the list)"
    )
    free_item_choice_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="フリー項目の選択肢 (replaces the values)"
    )


@strawberry.input(description="顧客の削除 (managers only; refused while it has history, LINE or referrals)")
class DeleteCustomerInput:
    id: strawberry.ID = strawberry.field(description="顧客ID (customer id)")

"""Inputs of the karte mutations and lists: 営業報告. The services check every value."""

from __future__ import annotations

from datetime import date

import strawberry

_TREATMENT = "施術内容 (what was done; required, up to 2000 characters)"
_REQUEST = "お客様のご要望 (what the customer asked for; up to 2000 characters)"
_PROPOSAL = "次回提案 (what to propose next time; up to 2000 characters)"
_PRODUCTS = "販売商品 (products sold; up to 1000 characters)"
_AMOUNT = "売上金額(円) (amount, yen: 0–10,000,000)"
_STAFF = "担当スタッフ (the stylist)"


@strawberry.input(name="SalesReportFilter", description="営業報告の絞り込み (given fields are AND-ed)")
class SalesReportFilterInput:
    name: str | None = strawberry.field(
        default=None, description="お客様の氏名・フリガナの一部 (any part: 山田, 太郎, やまだ, ﾀﾛｳ …; up to 100 "
                                  "characters)")
    date_from: date | None = strawberry.field(default=None, description="予約日から (日本時間, inclusive)")
    date_to: date | None = strawberry.field(default=None, description="予約日まで (日本時間, inclusive)")
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="お客様 (customer)")


@strawberry.input(description="営業報告の作成 (one per reservation; staff)")
class CreateSalesReportInput:
    reservation_id: strawberry.ID | None = strawberry.field(default=None, description="予約ID (reservation; required)")
    treatment: str | None = strawberry.field(default=None, description=_TREATMENT)
    customer_request: str | None = strawberry.field(default=None, description=_REQUEST)
    next_proposal: str | None = strawberry.field(default=None, description=_PROPOSAL)
    products_sold: str | None = strawberry.field(default=None, description=_PRODUCTS)
    amount_yen: int | None = strawberry.field(default=None, description=_AMOUNT)
    staff_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description=f"{_STAFF}; default: the reservation's")


@strawberry.input(description="営業報告の変更 (fields left out stay as they are; staff)")
class UpdateSalesReportInput:
    id: strawberry.ID = strawberry.field(description="営業報告ID (sales report id)")
    treatment: str | None = strawberry.field(default=strawberry.UNSET, description=_TREATMENT)
    customer_request: str | None = strawberry.field(default=strawberry.UNSET, description=_REQUEST)
    next_proposal: str | None = strawberry.field(default=strawberry.UNSET, description=_PROPOSAL)
    products_sold: str | None = strawberry.field(default=strawberry.UNSET, description=_PRODUCTS)
    amount_yen: int | None = strawberry.field(default=strawberry.UNSET, description=_AMOUNT)
    staff_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=f"{_STAFF}; null: none")


_VISIT_DATE = "来店日 (visit date; default today, 日本時間)"
_HEALTH = "健康情報 (要配慮個人情報: アレルギー, 肌の状態 …; staff only, every read audited)"
_RESERVATION = "予約 (the visit's reservation, of the same customer; optional)"


@strawberry.input(description="技術カルテの追加 (copyFromId: start from that earlier entry — 前回コピー — then "
                              "apply the fields given; staff)")
class AddKarteEntryInput:
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="お客様 (customer; required)")
    copy_from_id: strawberry.ID | None = strawberry.field(
        default=None, description="コピー元 (an earlier entry of the same customer: its category, detail, text "
                                  "and health mark are the starting point)")
    visit_date: date | None = strawberry.field(default=None, description=_VISIT_DATE)
    category_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="カルテ分類 (category)")
    detail_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="カルテ詳細 (a detail of the category)")
    text: str | None = strawberry.field(default=strawberry.UNSET, description="内容 (text, up to 4000 characters)")
    staff_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=_STAFF)
    reservation_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=_RESERVATION)
    is_health_info: bool | None = strawberry.field(default=strawberry.UNSET, description=_HEALTH)


@strawberry.input(description="技術カルテの変更 (fields left out stay as they are; staff)")
class UpdateKarteEntryInput:
    id: strawberry.ID = strawberry.field(description="カルテID (karte entry id)")
    visit_date: date | None = strawberry.field(default=strawberry.UNSET, description="来店日 (visit date)")
    category_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="カルテ分類 (category)")
    detail_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="カルテ詳細 (detail)")
    text: str | None = strawberry.field(default=strawberry.UNSET, description="内容 (text, up to 4000 characters)")
    staff_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=_STAFF)
    reservation_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=_RESERVATION)
    is_health_info: bool | None = strawberry.field(default=strawberry.UNSET, description=_HEALTH)


@strawberry.input(description="技術カルテの削除 (staff)")
class RemoveKarteEntryInput:
    id: strawberry.ID = strawberry.field(description="カルテID (karte entry id)")


@strawberry.input(description="来店メモの追加 (staff)")
class AddVisitMemoInput:
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="お客様 (customer; required)")
    visit_date: date | None = strawberry.field(default=None, description=_VISIT_DATE)
    text: str | None = strawberry.field(default=None, description="メモ (required, up to 4000 characters)")
    staff_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=_STAFF)
    reservation_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=_RESERVATION)
    is_health_info: bool | None = strawberry.field(default=strawberry.UNSET, description=_HEALTH)


@strawberry.input(description="来店メモの変更 (fields left out stay as they are; staff)")
class UpdateVisitMemoInput:
    id: strawberry.ID = strawberry.field(description="来店メモID (visit memo id)")
    visit_date: date | None = strawberry.field(default=strawberry.UNSET, description="来店日 (visit date)")
    text: str | None = strawberry.field(default=strawberry.UNSET, description="メモ (up to 4000 characters)")
    staff_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=_STAFF)
    reservation_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=_RESERVATION)
    is_health_info: bool | None = strawberry.field(default=strawberry.UNSET, description=_HEALTH)

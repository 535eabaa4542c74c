"""Read-only lists: merges, withdrawals.

Later issues give them behaviour (booking, merge, withdrawal …) through their
services; today they list with Japanese labels and eager-load what they show
(every relationship is ``lazy="raise"``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from starlette.requests import Request

from admin.base import ReadOnlyView
from admin.display import datetime_cell, memo_cell
from models import (
    Customer,
    MergeLog,
    Withdrawal,
)
from services.customer_search import free_text_clause
from services.normalize import format_phone

CUSTOMERS = "顧客管理"
RESERVATIONS = "予約"
SETTINGS = "設定"


def _counts_cell(model: MergeLog, attribute: str) -> str:
    return "、".join(f"{k}: {n}" for k, n in (model.moved_counts or {}).items())


def _search_customers(stmt: Select, term: str, relationship: Any) -> Select:
    clause = free_text_clause(term)
    return stmt if clause is None else stmt.join(relationship).where(clause)


class MergeLogAdmin(ReadOnlyView, model=MergeLog):
    name = name_plural = "統合履歴"
    category = CUSTOMERS
    icon = "fa-solid fa-code-merge"
    column_list = [MergeLog.merged_at, MergeLog.source_customer_no, MergeLog.source_name,
                   MergeLog.source_phone, MergeLog.source_email, MergeLog.target_customer_no,
                   MergeLog.moved_counts]
    column_formatters = {MergeLog.moved_counts: _counts_cell}
    column_formatters_detail = {MergeLog.moved_counts: _counts_cell}
    column_sortable_list = [MergeLog.merged_at, MergeLog.source_customer_no, MergeLog.target_customer_no]
    column_default_sort = [("merged_at", True)]
    column_searchable_list = [MergeLog.source_customer_no, MergeLog.source_name, MergeLog.target_customer_no]


def _withdrawn_cell(attribute: str):
    def cell(model: Withdrawal, _attribute: str) -> Any:
        value = getattr(model.customer, attribute)
        if attribute == "inflow_routes":
            return "、".join(r.name for r in value)
        if attribute == "phone":
            return format_phone(value)
        return value or ""

    return cell


WITHDRAWN_COLUMNS = {
    "customer.customer_no": "お客様番号",
    "customer.full_name": "姓名",
    "customer.line_name": "LINE名",
    "customer.email": "メールアドレス",
    "customer.phone": "電話番号",
    "customer.inflow_routes": "流入経路",
}


class WithdrawalAdmin(ReadOnlyView, model=Withdrawal):
    """退会者 (SPEC §9): number, name, LINE name, e-mail, phone, inflow routes, reason, date."""

    name = name_plural = "退会者"
    category = CUSTOMERS
    icon = "fa-solid fa-user-slash"
    column_list = [*WITHDRAWN_COLUMNS, Withdrawal.reason, Withdrawal.withdrawn_at]
    column_labels = {**WITHDRAWN_COLUMNS, Withdrawal.customer: "お客様"}
    column_formatters = {**{name: _withdrawn_cell(name.split(".", 1)[1]) for name in WITHDRAWN_COLUMNS},
                         Withdrawal.reason: memo_cell, Withdrawal.withdrawn_at: datetime_cell}
    # On the tablet (820 px) these give way, so that the reason and the date stay in view.
    column_list_desktop_only = ["customer.email", "customer.inflow_routes"]
    column_details_exclude_list = [Withdrawal.customer_id]
    column_sortable_list = [Withdrawal.withdrawn_at]
    column_default_sort = [("withdrawn_at", True)]
    column_searchable_list = [Withdrawal.reason]

    def search_placeholder(self) -> str:
        return "お客様の氏名・フリガナ・お客様番号・電話番号"

    def search_query(self, stmt: Select, term: str) -> Select:
        return _search_customers(stmt, term, Withdrawal.customer)

    def list_query(self, request: Request) -> Select:
        return select(Withdrawal).options(
            selectinload(Withdrawal.customer).selectinload(Customer.inflow_routes))

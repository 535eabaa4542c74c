"""Customer search (SPEC §2 basic search), shared by the admin list and GraphQL ``customers``.

Every given criterion is AND-ed. Matching rules:

- name: partial, against 姓名, セイメイ and the LINE name at once; spaces, full/half
  width and hiragana/katakana are ignored (``normalize.search_key`` on both sides).
- customer number: partial, case-insensitive (``A13`` finds ``A131``).
- phone: partial, in any format (``090-1234`` finds ``09012345678``).
- last menu: the customer's last used menu.
- staff / menu: the customer has any reservation with that staff / that menu.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false, func, or_, select

from models import Customer, Reservation, ReservationMenu
from services import normalize
from services.customer_fields import normalize_customer_no
from services.errors import DomainError, ErrorCode, FieldError
from services.text_rules import has_control, has_surrogate

#: Longest search text per criterion: longer can match nothing real, and SQLite refuses
#: LIKE patterns past 50,000 bytes (「LIKE or GLOB pattern too complex」).
QUERY_LIMITS = {"name": ("氏名・フリガナ", 100), "customer_no": ("お客様番号", 32), "phone": ("電話番号", 32)}
FREE_TEXT_LIMIT = 100


@dataclass
class CustomerFilter:
    name: str | None = None
    customer_no: str | None = None
    phone: str | None = None
    last_menu_id: int | None = None
    staff_member_id: int | None = None
    menu_id: int | None = None
    include_withdrawn: bool = False
    #: 新規電話予約の一覧: only customers whose e-mail is still the placeholder (the stored mark).
    phone_only: bool = False


def check_filter(f: CustomerFilter) -> None:
    """Refuse search texts that are too long or not text, every problem at once."""
    errors = []
    for key, (label, limit) in QUERY_LIMITS.items():
        problem = _query_problem(getattr(f, key), label, limit)
        if problem:
            errors.append(FieldError(key, ErrorCode.INVALID, problem))
    if errors:
        raise DomainError.many(errors)


def check_free_text(text: str | None) -> None:
    """The admin's one search box: the same limits."""
    problem = _query_problem(text, "文字", FREE_TEXT_LIMIT)
    if problem:
        raise DomainError(ErrorCode.INVALID, problem, "search")


def _query_problem(text: str | None, label: str, limit: int) -> str | None:
    if text is None:
        return None
    if len(text) > limit:
        return f"検索する{label}は{limit}文字以内で入力してください。"
    # A NUL reaches PostgreSQL as an error, a lone surrogate no encoder takes, and no stored value
    # holds control characters: none of them can be searched for.
    if has_surrogate(text) or has_control(text):
        return f"検索する{label}に使用できない文字が含まれています。"
    return None


def customer_no_key(value: str) -> str:
    """お客様番号 to look up exactly (``customerByNo``): refused like a search text that cannot be
    one, then normalised as numbers are stored."""
    label, limit = QUERY_LIMITS["customer_no"]
    problem = _query_problem(value, label, limit)
    if problem:
        raise DomainError(ErrorCode.INVALID, problem, "customer_no")
    return normalize_customer_no(value)


def name_clause(text: str) -> ColumnElement[bool] | None:
    key = normalize.search_key(text)
    return Customer.search_text.contains(key, autoescape=True) if key else None


def customer_no_clause(text: str) -> ColumnElement[bool] | None:
    key = unicodedata.normalize("NFKC", text).strip().upper()
    return func.upper(Customer.customer_no).contains(key, autoescape=True) if key else None


def phone_clause(text: str) -> ColumnElement[bool] | None:
    digits = normalize.phone_digits(text)
    if not digits:
        # Letters typed into the phone box can match nobody, rather than everybody.
        return false() if text.strip() else None
    return Customer.phone.contains(digits, autoescape=True)


def filter_clauses(f: CustomerFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool] | None] = []
    if not f.include_withdrawn:
        clauses.append(Customer.withdrawn_at.is_(None))
    if f.phone_only:
        clauses.append(Customer.email_is_placeholder.is_(True))
    if f.name:
        clauses.append(name_clause(f.name))
    if f.customer_no:
        clauses.append(customer_no_clause(f.customer_no))
    if f.phone:
        clauses.append(phone_clause(f.phone))
    if f.last_menu_id is not None:
        clauses.append(Customer.last_menu_id == f.last_menu_id)
    # IN (subquery) rather than a correlated EXISTS: SQLite without planner statistics
    # would otherwise walk a stylist's whole history once per customer (bench/README.md).
    if f.staff_member_id is not None:
        clauses.append(Customer.id.in_(
            select(Reservation.customer_id).where(Reservation.staff_member_id == f.staff_member_id)))
    if f.menu_id is not None:
        clauses.append(Customer.id.in_(
            select(Reservation.customer_id)
            .join(ReservationMenu, ReservationMenu.reservation_id == Reservation.id)
            .where(ReservationMenu.menu_id == f.menu_id)))
    return [c for c in clauses if c is not None]


def customer_search_query(f: CustomerFilter) -> Select[tuple[Customer]]:
    """``select(Customer)`` narrowed by ``f`` (no ordering, no paging); DomainError for bad texts."""
    check_filter(f)
    return select(Customer).where(*filter_clauses(f))


def free_text_clause(text: str) -> ColumnElement[bool] | None:
    """One search box (the admin list): a name, a customer number or a phone number."""
    check_free_text(text)
    text = (text or "").strip()
    if not text:
        return None
    options = [name_clause(text), customer_no_clause(text)]
    if _looks_like_phone(text):
        options.append(phone_clause(text))
    return or_(*[o for o in options if o is not None])


def _looks_like_phone(text: str) -> bool:
    stripped = re.sub(r"[\s\-‐ー−()+]", "", unicodedata.normalize("NFKC", text))
    return len(stripped) >= 3 and stripped.isdigit()


#: Sort keys offered to the doors, each a tuple of columns (id breaks ties, so cursors are stable).
ORDER_COLUMNS = {
    "customer_no": (Customer.customer_no,),
    "registered_at": (Customer.registered_at,),
    "last_visit_at": (Customer.last_visit_at,),
    "visit_count": (Customer.visit_count,),
    "name_kana": (Customer.last_name_kana, Customer.first_name_kana),
}


def order_columns(field: str, descending: bool = False) -> list:
    """ORDER BY terms; customers without a value (never visited …) come last in both directions,
    the same on SQLite and PostgreSQL."""
    cols = [(c.desc() if descending else c.asc()).nulls_last() for c in ORDER_COLUMNS[field]]
    cols.append(Customer.id.desc() if descending else Customer.id.asc())
    return cols

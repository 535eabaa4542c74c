"""SQLAlchemy models: the one data model behind /admin and /graphql."""

from models.api_client import ApiClient
from models.base import Base
from models.calendar import (
    BusinessHours,
    CalendarDayKind,
    CalendarException,
    SlotHold,
    StaffShift,
    StaffShiftException,
)
from models.customer import (
    Customer,
    CustomerAttribute,
    CustomerFreeItemValue,
    EmailChange,
    Gender,
    Referral,
    RegistrationPath,
    Withdrawal,
    customer_inflow_routes,
)
from models.customer_import import CustomerImport, ImportColumnMapping, ImportStatus
from models.flags import BlacklistEntry, BlacklistMatchClearance, Caution
from models.history import ActorKind, AuditLog, MergeLog
from models.karte import (
    KarteCategory,
    KarteDetail,
    KarteEntry,
    KarteImage,
    KartePhrase,
    SalesReport,
    VisitMemo,
)
from models.master import FirstVisitMotive, FreeItem, FreeItemChoice, InflowRoute, Occupation
from models.reservation import (
    PREPAYMENT_ONLY_STATUSES,
    CancelKind,
    Reservation,
    ReservationChannel,
    ReservationMenu,
    ReservationStatus,
)
from models.staff import (
    AdminSession,
    ApiToken,
    LoginThrottle,
    StaffAccount,
    StaffMember,
    StaffRole,
    TokenKind,
)
from models.store import AssignRule, Menu, StoreSetting
from models.ticket import TicketExpiryChange, TicketMenu, TicketPurchase, TicketUse

__all__ = [
    "ActorKind", "AdminSession", "ApiClient", "ApiToken", "AssignRule", "AuditLog", "Base", "BlacklistEntry",
    "BlacklistMatchClearance", "BusinessHours", "CalendarDayKind", "CalendarException", "SlotHold", "StaffShift",
    "StaffShiftException",
    "CancelKind", "Caution", "Customer",
    "CustomerAttribute", "CustomerFreeItemValue", "CustomerImport", "EmailChange", "FirstVisitMotive", "FreeItem", "FreeItemChoice",
    "Gender", "ImportColumnMapping", "ImportStatus",
    "InflowRoute", "KarteCategory", "KarteDetail", "KarteEntry", "KarteImage", "KartePhrase", "LoginThrottle", "Menu",
    "MergeLog", "Occupation", "PREPAYMENT_ONLY_STATUSES", "Referral", "RegistrationPath", "Reservation",
    "ReservationChannel", "ReservationMenu", "ReservationStatus", "SalesReport", "StaffAccount",
    "StaffMember", "StaffRole", "StoreSetting", "TicketExpiryChange", "TicketMenu", "TicketPurchase",
    "TicketUse", "TokenKind", "VisitMemo", "Withdrawal", "customer_inflow_routes",
]

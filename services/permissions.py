"""Who may do what: one role × action table, read by the services, GraphQL and the admin.

``check(actor, action, customer_id=None)`` raises (Unauthenticated / PermissionDenied /
NotFound); ``can(...)`` answers True/False.  "A customer token sees only itself" is decided
here, in :func:`can`, for reads and writes alike.
"""

from __future__ import annotations

import enum

from models import ActorKind, StaffRole
from services.actor import Actor
from services.errors import NotFound, PermissionDenied, Unauthenticated


class Role(enum.Enum):
    ANONYMOUS = "anonymous"
    CUSTOMER = "customer"
    STAFF = "staff"
    MANAGER = "manager"
    #: The reservation site's server with its site credential (サイト連携キー, services.api_clients):
    #: no person; only the customer channel's own actions. A cell left out of a row is False.
    SITE = "site"


class Action(enum.Enum):
    READ_CUSTOMER = "read customer"
    LIST_CUSTOMERS = "list customers"
    CREATE_CUSTOMER = "create customer"
    EDIT_CUSTOMER = "edit customer"
    DELETE_CUSTOMER = "delete customer"
    MERGE_CUSTOMERS = "merge customers"
    MANAGE_CAUTIONS = "manage cautions"
    BLACKLIST = "blacklist"
    IMPORT = "import"
    EXPORT = "export"
    MANAGE_STAFF = "manage staff"
    ISSUE_CUSTOMER_TOKEN = "issue customer token"
    EDIT_MASTERS = "edit masters"
    MANAGE_MASTERS = "manage masters"
    READ_RESERVATIONS = "read reservations"
    BOOK = "book or cancel a reservation"
    MANAGE_RESERVATIONS = "manage reservations"
    START_EMAIL_CHANGE = "start a customer's e-mail change (the reservation site's server)"
    READ_TICKETS = "read tickets"
    SELL_TICKETS = "sell a ticket"
    CHANGE_TICKET_EXPIRY = "change a ticket's expiry"
    DELETE_TICKET_PURCHASE = "delete an unused ticket sale"
    LINK_LINE_ACCOUNT = "link a LINE account (the reservation site's server)"
    UNLINK_LINE_ACCOUNT = "unlink a LINE account"
    MANAGE_API_CLIENTS = "issue and revoke site credentials"
    WITHDRAW = "withdraw (退会: the customer only)"
    MANAGE_REFERRALS = "add, change and remove referrals"
    #: GraphQL fields for the salon's eyes only (caution, blacklist, referrals, a reservation's memo):
    #: null for anyone else.
    READ_STAFF_FIELDS = "see staff-only fields"
    #: 営業報告, 技術カルテ, 来店メモ (and their health information): the salon's records of a visit.
    WRITE_KARTE = "write sales reports, karte and visit memos"


#: "own" = allowed only for the token's own customer record.
OWN = "own"

A, C, S, M, SITE = Role.ANONYMOUS, Role.CUSTOMER, Role.STAFF, Role.MANAGER, Role.SITE
TABLE: dict[Action, dict[Role, bool | str]] = {
    Action.READ_CUSTOMER: {A: False, C: OWN, S: True, M: True},
    Action.LIST_CUSTOMERS: {A: False, C: False, S: True, M: True},
    Action.CREATE_CUSTOMER: {A: False, C: False, S: True, M: True},
    Action.EDIT_CUSTOMER: {A: False, C: OWN, S: True, M: True},
    Action.DELETE_CUSTOMER: {A: False, C: False, S: False, M: True},
    Action.MERGE_CUSTOMERS: {A: False, C: False, S: False, M: True},
    Action.MANAGE_CAUTIONS: {A: False, C: False, S: True, M: True},
    Action.BLACKLIST: {A: False, C: False, S: False, M: True},
    Action.IMPORT: {A: False, C: False, S: False, M: True},
    Action.EXPORT: {A: False, C: False, S: False, M: True},
    Action.MANAGE_STAFF: {A: False, C: False, S: False, M: True},
    Action.ISSUE_CUSTOMER_TOKEN: {A: False, C: False, S: False, M: False, SITE: True},
    Action.EDIT_MASTERS: {A: False, C: False, S: True, M: True},
    Action.MANAGE_MASTERS: {A: False, C: False, S: False, M: True},
    Action.READ_RESERVATIONS: {A: False, C: OWN, S: True, M: True},
    Action.BOOK: {A: False, C: OWN, S: True, M: True},
    Action.MANAGE_RESERVATIONS: {A: False, C: False, S: True, M: True},
    Action.START_EMAIL_CHANGE: {A: False, C: False, S: False, M: False, SITE: True},
    Action.READ_TICKETS: {A: False, C: OWN, S: True, M: True},
    Action.SELL_TICKETS: {A: False, C: False, S: True, M: True},
    Action.CHANGE_TICKET_EXPIRY: {A: False, C: False, S: True, M: True},
    Action.DELETE_TICKET_PURCHASE: {A: False, C: False, S: False, M: True},
    Action.READ_STAFF_FIELDS: {A: False, C: False, S: True, M: True},
    Action.LINK_LINE_ACCOUNT: {A: False, C: False, S: False, M: False, SITE: True},
    Action.UNLINK_LINE_ACCOUNT: {A: False, C: False, S: True, M: True},
    Action.MANAGE_API_CLIENTS: {A: False, C: False, S: False, M: True},
    Action.WITHDRAW: {A: False, C: OWN, S: False, M: False},
    Action.MANAGE_REFERRALS: {A: False, C: False, S: True, M: True},
    Action.WRITE_KARTE: {A: False, C: False, S: True, M: True},
}

#: The GraphQL types a customer token (the LINE reservation site) can reach, and why it may read
#: them: OWN, its own record (the lookups and lists refuse or filter out anyone else's); True, the
#: salon's public lists (menus, stylists, statuses); False, never answered to a customer token
#: (``me`` answers it with its own Customer). A field of these types that only some may see
#: declares its action where it is declared (``visible=``); a reachable type missing here fails
#: tests/graphql/test_permissions.py.
CUSTOMER_READS: dict[str, bool | str] = {
    "Customer": OWN,
    "CustomerFreeItemValue": OWN,
    "Reservation": OWN,
    "ReservationMenuLine": OWN,
    "StaffAccount": False,
    "Menu": True,
    "StaffMember": True,
    "InflowRoute": True,
    "Occupation": True,
    "FirstVisitMotive": True,
    "FreeItem": True,
    "FreeItemChoice": True,
    "ReservationStatusOption": True,
    "PostalAddress": True,
    "TicketPurchase": OWN,
    "TicketMenu": True,
    "TicketExpiryChange": False,
    "StoreCalendar": True,
    "CalendarDay": True,
    "StaffShiftDay": True,  # the list is empty for a customer token (resolvers.calendar)
    "SlotDay": True,
    "TimeSlot": True,
    "SlotStylist": True,  # the list is empty for the customer channel (services.calendar.slots)
    "Withdrawal": False,  # withdrawnCustomers refuses a customer token
    "SalesReport": False,
    "KarteEntry": False,
    "KarteCategory": False,
    "KarteDetail": False,
    "KartePhrase": False,
    "VisitMemo": False,
    "KarteImage": False,
}

_REFUSAL = {
    S: "店長・管理者のみが行える操作です。",
    C: "スタッフのみが行える操作です。",
    SITE: "サイト連携キーではこの操作はできません。",
}


def role_of(actor: Actor | None) -> Role:
    if actor is None:
        return Role.ANONYMOUS
    if actor.kind == ActorKind.CUSTOMER:
        return Role.CUSTOMER
    if actor.kind == ActorKind.API_CLIENT:
        return Role.SITE
    if actor.kind == ActorKind.SYSTEM or actor.role == StaffRole.MANAGER:
        return Role.MANAGER
    return Role.STAFF


def rule_of(action: Action, role: Role) -> bool | str:
    """The table's cell; a role a row leaves out may not (a new row need not name the site)."""
    return TABLE[action].get(role, False)


def can(actor: Actor | None, action: Action, customer_id: int | None = None) -> bool:
    rule = rule_of(action, role_of(actor))
    if rule == OWN:
        return customer_id is not None and actor is not None and actor.customer_id == customer_id
    return bool(rule)


def check(actor: Actor | None, action: Action, customer_id: int | None = None) -> Actor:
    """The actor when allowed; otherwise the refusal as a DomainError."""
    if can(actor, action, customer_id):
        assert actor is not None
        return actor
    role = role_of(actor)
    if role == Role.ANONYMOUS:
        raise Unauthenticated()
    if rule_of(action, role) == OWN:
        raise NotFound("お客様")  # never reveal that another customer exists
    if role != Role.SITE and rule_of(action, Role.SITE) and not rule_of(action, Role.MANAGER):
        raise PermissionDenied(SITE_ONLY)
    if role != Role.CUSTOMER and rule_of(action, Role.CUSTOMER) and not rule_of(action, Role.MANAGER):
        raise PermissionDenied(CUSTOMER_ONLY)
    raise PermissionDenied(_REFUSAL.get(role, _REFUSAL[C]))


SITE_ONLY = "予約サイトのサーバー（サイト連携キー）だけが行える操作です。"

CUSTOMER_ONLY = "お客様ご本人だけが行える操作です（予約サイトから）。"

_MARK = {True: "✓", False: "—", OWN: "own"}


def access_table_markdown() -> str:
    """The README's access table, rendered from :data:`TABLE`."""
    roles = list(Role)
    lines = ["| action | " + " | ".join(r.value for r in roles) + " |",
             "|---|" + "---|" * len(roles)]
    for action, row in TABLE.items():
        lines.append(f"| {action.value} | " + " | ".join(_MARK[row.get(r, False)] for r in roles) + " |")
    return "\n".join(lines) + "\n"

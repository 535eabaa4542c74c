"""The /admin back office: sqladmin in Japanese, behind staff login, with CSRF checks.

URLs are ``/admin/<identity>/list`` (``details/<id>``, ``create``, ``edit/<id>``);
see ``VIEWS`` for the identities.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqladmin.i18n import I18nConfig
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from admin import (
    api_clients,
    audit_log,
    cancel_fees,
    customer_import,
    customers,
    day_sheet,
    flag_views,
    karte,
    karte_images,
    masters,
    non_members,
    records,
    reservation_forms,
    sales_reports,
    shifts,
    staff,
    tickets,
)
from admin.auth import StaffAuthBackend
from admin.errors import AdminError
from admin.csrf import FIELD_NAME, current_token
from admin.limits import AdminBodyLimit
from admin.notices import SalonAdmin
from admin.postal import postal_address_endpoint
from models.db import Database
from services.config import Settings

TITLE = "サロン顧客管理"
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The admin's own script (no inline script: admin/security_headers.py).
STATIC = Path(__file__).resolve().parent / "static"

#: Registration order is menu order; each view's ``category`` groups it.
VIEWS = [
    customers.CustomerAdmin,
    customers.PhoneCustomerAdmin,
    customer_import.CustomerImportPage,
    customer_import.CustomerImportLogAdmin,
    flag_views.CautionAdmin,
    flag_views.BlacklistAdmin,
    tickets.TicketPurchaseAdmin,
    records.MergeLogAdmin,
    records.WithdrawalAdmin,
    reservation_forms.ReservationAdmin,
    sales_reports.SalesReportAdmin,
    karte.KarteEntryAdmin,
    karte.VisitMemoAdmin,
    karte_images.KarteImageAdmin,
    masters.InflowRouteAdmin,
    masters.OccupationAdmin,
    masters.FirstVisitMotiveAdmin,
    masters.FreeItemAdmin,
    masters.FreeItemChoiceAdmin,
    masters.MenuAdmin,
    masters.StaffMemberAdmin,
    masters.KarteCategoryAdmin,
    masters.KarteDetailAdmin,
    masters.KartePhraseAdmin,
    masters.TicketMenuAdmin,
    masters.StoreSettingAdmin,
    masters.BusinessHoursAdmin,
    masters.CalendarExceptionAdmin,
    staff.StaffAccountAdmin,
    api_clients.ApiClientAdmin,
    audit_log.AuditLogAdmin,
]
#: Custom pages, and views over rows another view owns: they write only through services,
#: under the services' audit entities.
PAGES = [day_sheet.DaySheetView, shifts.ShiftGridView, cancel_fees.CancellationFeeAdmin, non_members.NonMemberAdmin]


class _HideRefusals(logging.Filter):
    """sqladmin logs every failed save with a traceback; a refusal shown to staff is not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], AdminError))


def build_admin(app: Starlette, db: Database, settings: Settings) -> SalonAdmin:
    backend = StaffAuthBackend(db, settings)
    admin = SalonAdmin(
        app,
        engine=db.engine,
        session_maker=db.sessionmaker,
        base_url="/admin",
        title=TITLE,
        favicon_url="/favicon.svg",
        templates_dir=str(TEMPLATES),
        authentication_backend=backend,
        # Always Japanese: not the browser's Accept-Language, no language cookie.
        i18n_config=I18nConfig(default_locale="ja", language_cookie_name=None, language_header_name=None),
        debug=settings.debug,
        # Outermost: no body bigger than an import upload is read, buffered or parsed.
        middlewares=[Middleware(AdminBodyLimit, limit=settings.import_max_bytes + 1_000_000)],
    )
    admin.admin.state.db = db  # for views that are not model views (the import pages)
    admin.admin.state.settings = settings
    if not any(isinstance(f, _HideRefusals) for f in logging.getLogger("sqladmin.application").filters):
        logging.getLogger("sqladmin.application").addFilter(_HideRefusals())
    backend.templates = admin.templates
    admin.templates.env.globals["csrf_token"] = current_token
    admin.templates.env.globals["csrf_field_name"] = FIELD_NAME
    for view in VIEWS + PAGES:
        admin.add_view(view)
    _logout_by_post(admin, backend)
    admin.admin.router.routes.append(
        Route("/postal-address", endpoint=postal_address_endpoint(backend), name="postal-address"))
    admin.admin.router.routes.append(Mount("/salon-static", app=StaticFiles(directory=STATIC), name="salon-statics"))
    return admin


def _logout_by_post(admin: SalonAdmin, backend: StaffAuthBackend) -> None:
    """sqladmin logs out on a GET, which any link or prefetch can trigger: ours needs a POST with the token."""
    routes = [r for r in admin.admin.router.routes if getattr(r, "name", None) != "logout"]
    routes.insert(0, Route("/logout", endpoint=backend.logout_page, name="logout", methods=["GET", "POST"]))
    admin.admin.router.routes = routes

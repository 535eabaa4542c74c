"""顧客の一括登録 (SPEC §10): template, safe reading of .xlsx / .csv, dry run, import, log.

The doors (admin upload page, GraphQL ``importCustomers``, ``python -m cli import-customers``) call
:func:`import_customers`; rows are cleaned by the registration service's own rules.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.customer_import.engine import ERROR, EXISTING, OUTCOME_LABELS, SUCCESS, RowResult
from services.customer_import.masters import load_masters
from services.customer_import.results import results_file_name, results_workbook
from services.customer_import.service import (
    ImportChanged,
    ImportReport,
    Upload,
    import_customers,
    load_import,
    suggested_mapping,
)
from services.customer_import.template import CONTENT_TYPE, FILE_NAME, build_template
from services.permissions import Action, check

__all__ = [
    "CONTENT_TYPE", "ERROR", "EXISTING", "FILE_NAME", "OUTCOME_LABELS", "SUCCESS", "ImportChanged",
    "ImportReport", "RowResult", "Upload", "import_customers", "load_import", "results_file_name",
    "results_workbook", "suggested_mapping", "template_bytes",
]


async def template_bytes(session: AsyncSession, actor: Actor) -> bytes:
    """顧客情報テンプレート.xlsx with the store's current choice lists."""
    check(actor, Action.IMPORT)
    return build_template(await load_masters(session))

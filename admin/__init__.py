"""sqladmin back office at /admin (Japanese labels)."""

from __future__ import annotations

from starlette.applications import Starlette

from models.db import Database
from services.config import Settings


def mount_admin(app: Starlette, db: Database, settings: Settings) -> None:
    """Mount the admin on ``app`` (filled in by admin/site.py)."""
    from admin.site import build_admin

    build_admin(app, db, settings)

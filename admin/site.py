"""Placeholder: the admin views land here."""

from __future__ import annotations


def build_admin(app, db, settings) -> None:
    return None

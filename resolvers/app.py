"""Placeholder: the Strawberry app lands here."""

from __future__ import annotations


def routes(db, settings) -> list:
    return []

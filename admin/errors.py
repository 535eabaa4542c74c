"""A failure of the database or of a service comes back to staff as a Japanese message on the page
(:class:`AdminError`), never as SQL or driver text."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

from services.errors import DomainError, FieldError

logger = logging.getLogger(__name__)
SAVE_FAILED = "保存できませんでした。入力内容をご確認のうえ、もう一度お試しください。"


class AdminError(Exception):
    """A refusal to show on the page (its text is Japanese and meant for staff)."""

    def __init__(self, message: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []

    @classmethod
    def from_domain(cls, request: Request, exc: DomainError) -> AdminError:
        """Keep the field errors on ``request.state`` so the form template can show them per field."""
        request.state.domain_errors = list(exc.errors)
        return cls(" ".join(dict.fromkeys(e.message for e in exc.errors)), list(exc.errors))


def japanese_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """Whatever goes wrong in a save or delete reaches staff as Japanese, never as driver text.

    sqladmin shows ``str(exc)`` on the page: an OverflowError or a driver error would show
    「Python int too large to convert to SQLite INTEGER」. Refusals (AdminError, HTTP errors)
    pass as they are; a DomainError shows its messages (services word constraint violations
    themselves, see services.constraints); anything else is a bug: logged and replaced.
    """
    if getattr(method, "_japanese_errors", False):
        return method

    @functools.wraps(method)
    async def guarded(self: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(self, request, *args, **kwargs)
        except (AdminError, HTTPException):
            raise
        except DomainError as exc:
            raise AdminError.from_domain(request, exc) from exc
        except Exception as exc:
            logger.exception("admin save failed")
            raise AdminError(SAVE_FAILED) from exc

    guarded._japanese_errors = True  # type: ignore[attr-defined]
    return guarded

"""Request bodies that are not a GraphQL request we can run: refused with 400 BAD_REQUEST.

Each of these used to end as an internal error (masked message and a traceback) or an HTTP 500:

- a lone surrogate (``"\\ud800"`` is valid JSON but not text: no database or encoder takes it);
- variables nested thousands deep (``json.loads`` and GraphQL's recursive coercion run out of
  stack: RecursionError);
- a body that is not UTF-8 or not JSON (strawberry answered some of them in English).

The answer has the shape of a GraphQL error, with a Japanese message, like the body-size limit.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse

from services.text_rules import has_surrogate

#: Deepest nesting of containers in a request body; real inputs nest a handful of levels.
MAX_DEPTH = 32
BAD_JSON = "リクエストの形式が正しくありません（JSONとして読み取れません）。"
TOO_DEEP = f"リクエストの入れ子が深すぎます（{MAX_DEPTH}段まで）。"
BAD_TEXT = "リクエストに使用できない文字（不正なUnicode）が含まれています。"


class BadRequest(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decode_json(data: str | bytes) -> Any:
    """``json.loads`` that refuses, as :class:`BadRequest`, what the GraphQL view cannot run."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise BadRequest(TOO_DEEP) from None
    except ValueError:  # JSONDecodeError, and UnicodeDecodeError for bytes that are not UTF-8
        raise BadRequest(BAD_JSON) from None
    check_value(value)
    return value


def check_value(value: Any) -> None:
    """Walk a decoded body without recursion: no lone surrogate, no nesting over MAX_DEPTH."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if has_surrogate(item):
                raise BadRequest(BAD_TEXT)
        elif isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise BadRequest(TOO_DEEP)
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)


def response(exc: BadRequest) -> JSONResponse:
    body = {"errors": [{"message": exc.message, "extensions": {"code": "BAD_REQUEST"}}]}
    return JSONResponse(body, status_code=400)

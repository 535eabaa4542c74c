"""Request bodies that are not a GraphQL request we can run: refused with 400 BAD_REQUEST.

Each of these used to end as an internal error (masked message and a traceback) or an HTTP 500:

- a lone surrogate (``"\\ud800"`` is valid JSON but not text: no database or encoder takes it);
- variables nested thousands deep (``json.loads`` and GraphQL's recursive coercion run out of
  stack: RecursionError);
- a body that is not UTF-8 or not JSON (strawberry answered some of them in English);
- a multipart body the form parser cannot read, and every other refusal of Strawberry's HTTP view
  (no query, an unknown content type, a mutation sent with GET): answered in plain English text.

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
BAD_MULTIPART = "multipart形式のリクエストを読み取れません（形式が壊れているか、ファイル名が長すぎます）。"
BAD_TEXT = "リクエストに使用できない文字（不正なUnicode）が含まれています。"


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400, code: str = "BAD_REQUEST") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


#: Strawberry's own HTTP refusals (plain English text) and their Japanese answers.
_REFUSALS: dict[str, str] = {
    "No GraphQL query found in the request": "GraphQLのクエリ（query）がありません。",
    "Unable to parse request body as JSON": BAD_JSON,
    "Unable to parse the multipart body": BAD_MULTIPART,
    "File(s) missing in form data": "multipart形式の map が指すファイルがありません。",
    "Unsupported content type": "Content-Type は application/json か multipart/form-data にしてください。",
    "GraphQL only supports GET and POST requests.": "GraphQL には GET か POST で送ってください。",
    "Not Found": "見つかりません。",
    "The GraphQL operation's `query` must be a string or null, if provided.": "query は文字列で送ってください。",
    "The GraphQL operation's `variables` must be an object or null, if provided.":
        "variables はオブジェクト（{…}）で送ってください。",
    "The GraphQL operation's `extensions` must be an object or null, if provided.":
        "extensions はオブジェクト（{…}）で送ってください。",
    "Batching is not enabled": "複数の操作をまとめて（配列で）送ることはできません。",
    "Can't get GraphQL operation type": "実行する操作がありません（operationName を確かめてください）。",
    "mutations are not allowed when using GET": "更新（mutation）は POST で送ってください。",
}
_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def refused(status: int, reason: str) -> BadRequest:
    """Strawberry's or Starlette's refusal of a request as :class:`BadRequest`, in Japanese."""
    if reason.startswith("Unknown operation named"):
        message = "operationName の名前の操作がクエリにありません。"
    elif reason == "Invalid multipart data." or reason.startswith("Part exceeded maximum size"):
        message = BAD_MULTIPART
    else:
        message = _REFUSALS.get(reason, "このリクエストは処理できません。")
    return BadRequest(message, status, _CODES.get(status, "BAD_REQUEST"))


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
    body = {"errors": [{"message": exc.message, "extensions": {"code": exc.code}}]}
    return JSONResponse(body, status_code=exc.status)

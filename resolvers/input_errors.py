"""Input values that a scalar or an enum refuses, answered in Japanese with ``extensions.code``.

graphql-core refuses a bad value in two places: validation, for a literal written in the document
(``startAt: "tomorrow"``), and variable coercion, for the same value sent as a variable. It words
each in English around the scalar's own message, and a refusal of one of our scalars
(:class:`schema.scalars.InvalidScalar`) reached the client from validation as an unexpected error.
Both ways now give the same answer: the Japanese message, ``extensions.code`` ``INVALID``, and
``extensions.variable`` when a variable carried the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from graphql import GraphQLError

from schema.scalars import InvalidScalar
from services.errors import ErrorCode

_VARIABLE = re.compile(r"^Variable '\$(\w+)' has invalid (?:default )?value")

#: The refusals of GraphQL's own scalars and of enums, by the English they are written in.
_BUILT_IN: tuple[tuple[re.Pattern[str], Callable[[_Quoted], str]], ...] = (
    (re.compile(r"Int cannot represent non 32-bit signed integer value: (.*)$"),
     lambda m: f"整数は -2147483648 から 2147483647 までで指定してください（{m[1]}）。"),
    (re.compile(r"Int cannot represent non-integer value: (.*)$"),
     lambda m: f"整数で指定してください（{m[1]}）。"),
    (re.compile(r"Float cannot represent non numeric value: (.*)$"),
     lambda m: f"数値で指定してください（{m[1]}）。"),
    (re.compile(r"String cannot represent (?:a non string )?value: (.*)$"),
     lambda m: f"文字列で指定してください（{m[1]}）。"),
    (re.compile(r"Boolean cannot represent a non boolean value: (.*)$"),
     lambda m: f"true か false で指定してください（{m[1]}）。"),
    (re.compile(r"ID cannot represent (?:a non-string and non-integer )?value: (.*)$"),
     lambda m: f"ID は文字列か整数で指定してください（{m[1]}）。"),
    (re.compile(r"Value '(.*)' does not exist in '(\w+)' enum\."),
     lambda m: f"「{m[1]}」は {m[2]} の値にありません。"),
    (re.compile(r"Enum '(\w+)' cannot represent non-string value: (.*?)\."),
     lambda m: f"{m[1]} には値の名前を指定してください（{m[2]}）。"),
)


def scalar_refusal(error: BaseException | None) -> InvalidScalar | None:
    """The :class:`InvalidScalar` behind ``error`` (graphql-core wraps it once or twice), or None."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, InvalidScalar):
            return error
        error = getattr(error, "original_error", None) or error.__cause__
        seen += 1
    return None


def in_japanese(error: GraphQLError) -> GraphQLError:
    """``error`` reworded when it refuses an input value; any other error unchanged.

    Only errors before execution (validation, variables: no ``path``) are input refusals; the same
    words raised while writing a result are a bug and stay masked."""
    if error.path is not None:
        return error
    refusal = scalar_refusal(error.original_error)
    if refusal is not None:
        message = str(refusal)
    else:
        message = _built_in(error.message)
        if message is None:
            return error
    extensions = {"code": ErrorCode.INVALID.value}
    if (variable := _VARIABLE.match(error.message)) is not None:
        extensions["variable"] = variable[1]
    return GraphQLError(message, error.nodes, error.source, error.positions, error.path,
                        extensions=extensions)


def _built_in(message: str) -> str | None:
    for pattern, reword in _BUILT_IN:
        if (found := pattern.search(message)) is not None:
            return reword(_Quoted(found))
    return None


class _Quoted:
    """A match whose groups quote text alike: a literal prints ``"yes"``, a variable ``'yes'``."""

    def __init__(self, match: re.Match[str]) -> None:
        self.match = match

    def __getitem__(self, group: int) -> str:
        text = self.match[group]
        if len(text) >= 2 and text[0] == text[-1] == "'":
            return f'"{text[1:-1]}"'
        return text

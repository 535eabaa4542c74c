"""Document limits (nesting, depth, aliases, tokens) and the parse / validation caches of /graphql.

Strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter`` build a new rule class every
time they are constructed, i.e. on every request; a validation cache keyed on the rules
then never hits. Here the rule classes are built once, at import, and one extension adds
them (with the token limit) to every operation. The caches are keyed on the document
text, bounded, and shared by all requests of the process: a client sending the same
document again skips parsing and validation. A refused document is refused the same way
every time (its errors are cached; a parse error is never cached and simply raised again).

Nesting is checked on the text before the parser sees it: the parser is recursive, and a
document like ``{ a { a { a …`` or a literal ``[[[[…`` a few hundred levels deep exhausts
its stack (graphql-core then answers in English, or a RecursionError escapes). A linear
scan counts brackets instead and refuses with ``QUERY_TOO_DEEP`` and a Japanese message.

The depth, alias and token limits come from Strawberry and graphql-core, which word their
refusals in English without a code; :func:`in_japanese` rewords them (``QUERY_TOO_DEEP``,
``TOO_MANY_ALIASES``, ``QUERY_TOO_LARGE``, each with its ``limit``), so a frontend gets the
same shape of answer for every limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from graphql import GraphQLError
from graphql.language.parser import parse
from strawberry.extensions import SchemaExtension

from resolvers.runtime.hooks import alias_rule, depth_rule, graphql_schema, validate_document
from resolvers.runtime.lru import LRU

#: Deep enough for customer → referredBy → customer → inflowRoutes, shallow enough to stop abuse.
MAX_QUERY_DEPTH = 10
#: Aliases repeat a field in one request (``a1: login(…) a2: login(…)``, or 500 customer searches);
#: a screen needs a handful.
MAX_ALIASES = 30
#: A generous bound on the size of one document (GraphiQL's own introspection is about 250 tokens).
MAX_TOKENS = 5000
#: Deepest nesting of ``{`` ``[`` ``(`` in a document (selections, arguments, list and object
#: literals together). Every screen's query stays well under it: MAX_QUERY_DEPTH selection levels
#: with an argument object or two; far below where the recursive parser runs out of stack.
MAX_NESTING = 32
TOO_DEEP_CODE = "QUERY_TOO_DEEP"
TOO_DEEP_MESSAGE = f"クエリの入れ子が深すぎます（括弧は{MAX_NESTING}段まで）。"
#: Distinct documents remembered per process. Frontends send a few dozen fixed documents; the
#: bound keeps a client that sends endless unique texts from growing memory.
CACHE_SIZE = 256

TOO_MANY_ALIASES_CODE = "TOO_MANY_ALIASES"
TOO_LARGE_CODE = "QUERY_TOO_LARGE"

#: The English refusals of the limits below, and their Japanese answers.
_REWORDED: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[str, dict[str, Any]]]], ...] = (
    (re.compile(r"'.*' exceeds maximum operation depth of (\d+)$"),
     lambda m: (f"クエリの階層が深すぎます（{m[1]}段まで）。", {"code": TOO_DEEP_CODE, "limit": int(m[1])})),
    (re.compile(r"(\d+) aliases found\. Allowed: (\d+)$"),
     lambda m: (f"別名（エイリアス）が多すぎます（{m[2]}個まで、このクエリは{m[1]}個）。",
                {"code": TOO_MANY_ALIASES_CODE, "limit": int(m[2])})),
    (re.compile(r"(?:Syntax Error: )?Document contains more than (\d+) tokens"),
     lambda m: (f"クエリが長すぎます（{m[1]}トークンまで）。", {"code": TOO_LARGE_CODE, "limit": int(m[1])})),
)


def in_japanese(error: GraphQLError) -> GraphQLError:
    """A limit's English refusal reworded in Japanese with a code; any other error unchanged."""
    for pattern, reword in _REWORDED:
        if (found := pattern.match(error.message)) is not None:
            message, extensions = reword(found)
            return GraphQLError(message, error.nodes, error.source, error.positions, error.path,
                                extensions=extensions)
    return error


def _japanese(rule: type[Any]) -> type[Any]:
    """``rule`` reporting through :func:`in_japanese` (its errors go straight to the context)."""

    class Reworded(rule):  # type: ignore[misc, valid-type]
        def __init__(self, context: Any) -> None:
            if not getattr(context, "_reworded", False):
                report = context.report_error
                context.report_error = lambda error: report(in_japanese(error))
                context._reworded = True
            super().__init__(context)

    Reworded.__name__ = rule.__name__
    return Reworded


#: Built once: the same classes on every request, so validation results can be reused.
RULES = (_japanese(depth_rule(MAX_QUERY_DEPTH, None)), _japanese(alias_rule(MAX_ALIASES)))

PARSED: LRU[tuple[str, int], Any] = LRU(CACHE_SIZE)
VALIDATED: LRU[str, list[GraphQLError]] = LRU(CACHE_SIZE)


_SPECIAL = re.compile(r'[{}\[\]()"#]')
_STRING_BODY = re.compile(r'(?:[^"\\\n\r]|\\.)*')
_LINE_REST = re.compile(r"[^\n\r]*")
_OPENING, _CLOSING = frozenset("{[("), frozenset("}])")


def too_deep(source: str, limit: int = MAX_NESTING) -> bool:
    """Whether brackets in ``source`` nest deeper than ``limit`` (strings and comments skipped).

    One pass, no recursion: each step jumps to the next bracket, quote or ``#``."""
    if sum(source.count(c) for c in _OPENING) <= limit:
        return False  # cannot nest deeper than it opens
    depth, at, end = 0, 0, len(source)
    while (found := _SPECIAL.search(source, at)) is not None:
        char, at = found.group(), found.end()
        if char in _OPENING:
            depth += 1
            if depth > limit:
                return True
        elif char in _CLOSING:
            depth = max(depth - 1, 0)
        elif char == "#":  # a comment, to the end of the line
            at = _LINE_REST.match(source, at).end()  # type: ignore[union-attr]
        elif source.startswith('""', at):  # a block string: to the next unescaped """
            close = source.find('"""', at + 2)
            while close > 0 and source[close - 1] == "\\":
                close = source.find('"""', close + 1)
            at = end if close < 0 else close + 3
        else:  # a string: to its closing quote (or the line's end, a syntax error the parser reports)
            at = _STRING_BODY.match(source, at).end() + 1  # type: ignore[union-attr]
    return False


def checked(source: str) -> str:
    """``source`` when its nesting is within :data:`MAX_NESTING`; else the QUERY_TOO_DEEP error."""
    if too_deep(source):
        raise GraphQLError(TOO_DEEP_MESSAGE, extensions={"code": TOO_DEEP_CODE, "limit": MAX_NESTING})
    return source


class DocumentPipeline(SchemaExtension):
    """The limits and the caches of every operation, in one hook of one extension (Strawberry makes
    every request a context manager per extension and stage it implements, plus its exit stack).

    Before the operation runs: the depth and alias rules and the token limit are added; the
    document text is parsed once per process (bounded LRU, its nesting checked first) and
    validated once per process (bounded LRU: the schema and the rules are the same for every
    request of the process, so the text alone decides the result). Strawberry then finds the
    document parsed and the validation done and does neither again. :meth:`finish` runs after
    the operation (a subclass's use: the masking of unexpected errors).
    """

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = MAX_TOKENS
        context.validation_rules = context.validation_rules + RULES
        query = context.query
        if query is not None and context.graphql_document is None:
            options = context.parse_options
            try:
                context.graphql_document = PARSED.get_or_make(
                    (query, options.get("max_tokens") or 0), lambda: parse(checked(query), **options)
                )
            except GraphQLError as error:
                raise in_japanese(error) from None
            document, rules = context.graphql_document, context.validation_rules
            errors = VALIDATED.get_or_make(
                query, lambda: validate_document(graphql_schema(context.schema), document, rules))
            context.pre_execution_errors = list(errors)  # a copy: later steps may extend the list
        yield
        self.finish()

    def finish(self) -> None:
        """After the operation, its result in ``self.execution_context.result``."""

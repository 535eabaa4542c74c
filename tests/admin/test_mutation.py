"""admin/mutation.py is the admin's one way to change data: every save, delete and button POST runs
its service call through ``mutate`` / ``operate`` (one write transaction, the actor, a DomainError as
the page's message), and no view opens a write transaction or words a refusal on its own."""

from __future__ import annotations

import ast
from pathlib import Path

import services.errors

ADMIN = Path(__file__).resolve().parents[2] / "admin"
WRAPPERS = {"mutate", "operate"}
WRITES = {"insert_model", "update_model", "delete_model"}
DOMAIN_ERRORS = {name for name, value in vars(services.errors).items()
                 if isinstance(value, type) and issubclass(value, services.errors.DomainError)}
#: Logging in (before there is an actor) and the import (its own page, and a second dry run when the
#: file changed between the preview and the confirmation) keep their own transactions.
OWN_TRANSACTIONS = {"auth.py", "customer_import.py"}


def _modules() -> dict[str, ast.Module]:
    return {path.name: ast.parse(path.read_text(encoding="utf-8"), str(path))
            for path in sorted(ADMIN.glob("*.py"))}


def _names(node: ast.AST) -> set[str]:
    return {n.id if isinstance(n, ast.Name) else n.attr
            for n in ast.walk(node) if isinstance(n, ast.Name | ast.Attribute)}


def _writers(module: ast.Module) -> list[ast.AsyncFunctionDef]:
    return [fn for fn in ast.walk(module) if isinstance(fn, ast.AsyncFunctionDef) and fn.name in WRITES]


def test_every_save_and_delete_goes_through_mutate():
    found, strays = [], []
    for name, module in _modules().items():
        for fn in _writers(module):
            found.append(f"{name}:{fn.name}")
            if not _names(fn) & WRAPPERS:
                strays.append(f"{name}:{fn.lineno} {fn.name}")
    assert len(found) >= 12  # the walk does see the views' writers
    assert strays == []


def _opens_a_transaction(node: ast.AST) -> bool:
    return any(isinstance(w, ast.AsyncWith) and _names(w) & {"write_transaction", "transaction", "begin"}
               for w in ast.walk(node))


def _answering_handlers(module: ast.Module) -> list[ast.ExceptHandler]:
    """``except DomainError`` around a transaction, answering instead of raising again."""
    return [h for t in ast.walk(module) if isinstance(t, ast.Try) and _opens_a_transaction(ast.Module(t.body, []))
            for h in t.handlers
            if h.type is not None and _names(h.type) & DOMAIN_ERRORS
            and not any(isinstance(n, ast.Raise) for n in ast.walk(h))]


def test_no_view_opens_a_write_transaction_or_words_a_refusal_itself():
    offenders = []
    for name, module in _modules().items():
        if name in {"mutation.py"} | OWN_TRANSACTIONS:
            continue
        if "write_transaction" in _names(module):
            offenders.append(f"{name}: opens a write transaction")
        offenders += [f"{name}:{h.lineno} catches {ast.unparse(h.type)} and answers"
                      for h in _answering_handlers(module)]
        offenders += [f"{name}:{h.lineno} words a refusal of a write" for t in ast.walk(module)
                      if isinstance(t, ast.Try) and _opens_a_transaction(ast.Module(t.body, []))
                      for h in t.handlers if "from_domain" in _names(h)]
    assert offenders == []


def test_the_structural_checks_see_a_hand_written_catch():
    source = ast.parse(
        "async def insert_model(self, request, data):\n"
        "    try:\n"
        "        async with write_transaction(self.session_maker) as session:\n"
        "            return await service.add(session, data)\n"
        "    except DomainError as exc:\n"
        "        raise AdminError.from_domain(request, exc) from exc\n")
    fn = _writers(source)[0]
    assert not _names(fn) & WRAPPERS
    assert "write_transaction" in _names(source)
    assert _opens_a_transaction(source)

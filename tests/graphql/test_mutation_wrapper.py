"""The mutation wrapper (resolvers/mutation.py): a constraint the database enforces comes back as a
payload UserError with nothing written, as a rule the service checks does; so does a write the
database gave up on for a concurrent one. Every mutation resolver goes through it.

The service checks uniqueness before it writes; a concurrent request can still take the number or
the e-mail between the check and the insert. The check is switched off here to stand for that
request, so the database's own constraint is what refuses.
"""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError

import services.errors
from models import AuditLog, Customer, Occupation, ReservationStatus
from services import booking
from services import customers as customer_service
from services.locking import write_conflict
from tests.factories import count_rows
from tests.graphql.test_customer_mutations import CREATE, DELETE, GOOD_INPUT, UPDATE
from tests.graphql.test_reservations import CANCEL


@pytest.fixture
def raced(monkeypatch):
    """The service's own uniqueness check passes, as it does when a concurrent request wins."""
    async def no_check(*_args, **_kwargs) -> None:
        return None

    monkeypatch.setattr(customer_service, "_check_unique", no_check)


@pytest.mark.parametrize(("fields", "field", "code", "message"), [
    ({"customerNo": "A100"}, "customerNo", "DUPLICATE_CUSTOMER_NO", "このお客様番号は既に使われています。"),
    ({"email": "TAKEN@example.jp"}, "email", "DUPLICATE_EMAIL", "このメールアドレスは既に他のお客様が登録しています。"),
], ids=["customer-no", "email"])
async def test_a_constraint_violation_is_a_payload_error_and_nothing_is_written(
        gql, given, staff_token, db, raced, fields, field, code, message):
    await given.customer(customer_no="A100", email="taken@example.jp")
    before = (await count_rows(db), await count_rows(db, AuditLog))

    result = (await gql(CREATE, {"input": {**GOOD_INPUT, "email": "new@example.jp", **fields}},
                        token=staff_token))["createCustomer"]

    assert result["customer"] is None
    assert result["errors"] == [{"field": field, "code": code, "message": message}]
    assert (await count_rows(db), await count_rows(db, AuditLog)) == before


async def test_an_update_refused_by_a_constraint_changes_nothing(gql, given, staff_token, db, raced):
    await given.customer(customer_no="A100", email="a100@example.jp")
    other = await given.customer(customer_no="B200", email="b200@example.jp", first_name="次郎")

    result = (await gql(UPDATE, {"input": {"id": str(other.id), "customerNo": "A100", "firstName": "三郎"}},
                        token=staff_token))["updateCustomer"]

    assert result["errors"] == [{"field": "customerNo", "code": "DUPLICATE_CUSTOMER_NO",
                                 "message": "このお客様番号は既に使われています。"}]
    async with db.sessionmaker() as session:
        stored = await session.get(Customer, other.id)
    assert (stored.customer_no, stored.first_name) == ("B200", "次郎")


async def test_refusals_before_the_transaction_are_payload_errors_too(gql, given, staff_token):
    customer = await given.customer()
    anonymous = (await gql(CREATE, {"input": GOOD_INPUT}))["createCustomer"]
    assert anonymous["errors"][0]["code"] == "UNAUTHENTICATED"
    staff_delete = (await gql(DELETE, {"input": {"id": str(customer.id)}}, token=staff_token))["deleteCustomer"]
    assert staff_delete == {"deletedId": None, "errors": [
        {"field": None, "code": "PERMISSION_DENIED", "message": "店長・管理者のみが行える操作です。"}]}


# --------------------------------------------------------------------------- one place for the pattern

RESOLVERS = Path(__file__).resolve().parents[2] / "resolvers"
WRAPPERS = {"mutate", "mutate_anonymous"}
#: What ``except`` may not name outside resolvers/mutation.py unless the handler raises again.
DOMAIN_ERRORS = {name for name, value in vars(services.errors).items()
                 if isinstance(value, type) and issubclass(value, services.errors.DomainError)}


def _modules() -> dict[str, ast.Module]:
    return {path.name: ast.parse(path.read_text(encoding="utf-8"), str(path))
            for path in sorted(RESOLVERS.glob("*.py"))}


def _names(node: ast.AST) -> set[str]:
    return {n.id if isinstance(n, ast.Name) else n.attr
            for n in ast.walk(node) if isinstance(n, ast.Name | ast.Attribute)}


def _is_mutation(fn: ast.AST) -> bool:
    return isinstance(fn, ast.AsyncFunctionDef | ast.FunctionDef) and any(
        "mutation" in _names(d) and "strawberry" in _names(d) for d in fn.decorator_list)


def _calls_a_wrapper(fn: ast.AST, local: dict[str, ast.AST], seen: set[str]) -> bool:
    called = {c.func.id for c in ast.walk(fn) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}
    if called & WRAPPERS:
        return True
    for name in sorted(called - seen):
        if name in local and _calls_a_wrapper(local[name], local, seen | {name}):
            return True
    return False


def test_every_mutation_resolver_goes_through_mutate():
    found, strays = [], []
    for name, module in _modules().items():
        local = {f.name: f for f in module.body if isinstance(f, ast.AsyncFunctionDef | ast.FunctionDef)}
        for fn in ast.walk(module):
            if _is_mutation(fn):
                found.append(fn.name)
                if not _calls_a_wrapper(fn, local, set()):
                    strays.append(f"{name}:{fn.lineno} {fn.name}")
    assert len(found) >= 20  # the walk does see the mutations
    assert strays == []


def _swallowing_handlers(module: ast.Module) -> list[ast.ExceptHandler]:
    """``except DomainError`` (or a subclass, or DBAPIError) handlers that do not raise again."""
    return [h for h in ast.walk(module)
            if isinstance(h, ast.ExceptHandler) and h.type is not None
            and _names(h.type) & (DOMAIN_ERRORS | {"DBAPIError"})
            and not any(isinstance(n, ast.Raise) for n in ast.walk(h))]


def test_only_the_wrapper_turns_a_domain_error_into_payload_errors():
    """Elsewhere in resolvers/, a DomainError is never swallowed: a query re-raises it as a GraphQL
    error; a mutation lets it reach mutate(), which rolls back and answers with ``errors``."""
    offenders = []
    for name, module in _modules().items():
        if name == "mutation.py":
            continue
        if "user_errors" in _names(module):
            offenders.append(f"{name}: uses user_errors")
        offenders += [f"{name}:{h.lineno} catches {ast.unparse(h.type)} and answers"
                      for h in _swallowing_handlers(module)]
    assert offenders == []


def test_the_structural_checks_see_a_hand_written_catch():
    source = ast.parse(
        "@strawberry.mutation\n"
        "async def add(self, info, input):\n"
        "    try:\n"
        "        return Payload(x=await service.add(input))\n"
        "    except DomainError as exc:\n"
        "        return Payload(errors=user_errors(exc))\n")
    fn = source.body[0]
    assert _is_mutation(fn) and not _calls_a_wrapper(fn, {}, set())
    assert len(_swallowing_handlers(source)) == 1
    assert "user_errors" in _names(source)


# --------------------------------------------------------------------------- a concurrent write won

class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _refused(orig: Exception, kind: type[DBAPIError] = OperationalError) -> DBAPIError:
    return kind("UPDATE reservations SET ...", {}, orig)


@pytest.mark.parametrize("orig", [_PgError("40P01"), _PgError("55P03"), _PgError("40001"),
                                  sqlite3.OperationalError("database is locked")],
                         ids=["deadlock", "lock-timeout", "serialization", "sqlite-busy"])
async def test_a_write_the_database_gave_up_on_is_a_try_again_payload_error(gql, given, staff_token, db,
                                                                           monkeypatch, orig):
    customer = await given.customer()
    reservation = await given.visit(customer, menu=await given.menu("カット"), days_ago=-3,
                                    status=ReservationStatus.BOOKED)

    async def deadlocked(session, reservation_id, actor, **_kw):
        session.add(Occupation(name="書きかけ"))  # written before the database gave up: rolled back
        await session.flush()
        raise _refused(orig)

    monkeypatch.setattr(booking, "cancel_by_customer", deadlocked)
    out = (await gql(CANCEL, {"id": str(reservation.id)}, token=staff_token))["cancelReservation"]

    assert out == {"reservation": None, "errors": [
        {"field": None, "code": "DUPLICATE", "message": "他の操作と同時に変更されました。もう一度お試しください。"}]}
    assert await count_rows(db, Occupation) == 0


@pytest.mark.parametrize("error", [_refused(_PgError("42P01"), ProgrammingError),
                                   _refused(sqlite3.IntegrityError("UNIQUE constraint failed: x.y"),
                                            IntegrityError),
                                   _refused(_PgError("23505"), IntegrityError)],
                         ids=["bug", "unrecognised-sqlite-violation", "unrecognised-pg-violation"])
def test_other_database_errors_are_not_conflicts(error):
    assert write_conflict(error) is None


async def test_an_unrecognised_database_error_stays_a_masked_graphql_error(gql, given, staff_token,
                                                                            monkeypatch):
    customer = await given.customer()
    reservation = await given.visit(customer, menu=await given.menu("カット"), days_ago=-3,
                                    status=ReservationStatus.BOOKED)

    async def broken(*_args, **_kw):
        raise _refused(_PgError("42P01"), ProgrammingError)

    monkeypatch.setattr(booking, "cancel_by_customer", broken)
    body = await gql(CANCEL, {"id": str(reservation.id)}, token=staff_token, expect_errors=True)
    assert body["data"] is None and body["errors"][0]["message"] != "他の操作と同時に変更されました。もう一度お試しください。"

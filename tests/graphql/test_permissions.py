"""One test per cell of the role × action table, and the README's copy of it."""

from pathlib import Path

import pytest

from models import StaffRole
from services.actor import Actor
from services.errors import NotFound, PermissionDenied, Unauthenticated
from services.permissions import OWN, TABLE, Action, Role, access_table_markdown, can, check

ACTORS = {
    Role.ANONYMOUS: None,
    Role.CUSTOMER: Actor.customer(7),
    Role.STAFF: Actor.staff(1, StaffRole.STAFF),
    Role.MANAGER: Actor.staff(2, StaffRole.MANAGER),
}
CELLS = [(a, r, rule) for a, row in TABLE.items() for r, rule in row.items()]


@pytest.mark.parametrize(("action", "role", "rule"), CELLS, ids=[f"{a.name}-{r.name}" for a, r, _ in CELLS])
def test_cell(action: Action, role: Role, rule: object) -> None:
    actor = ACTORS[role]
    if rule == OWN:
        assert can(actor, action, 7) and check(actor, action, 7) is actor
        assert not can(actor, action, 8) and not can(actor, action)
        with pytest.raises(NotFound):
            check(actor, action, 8)
    elif rule:
        assert can(actor, action, 7) and check(actor, action, 7) is actor
    else:
        assert not can(actor, action, 7)
        with pytest.raises(Unauthenticated if actor is None else PermissionDenied):
            check(actor, action, 7)


def test_system_actor_is_a_manager() -> None:
    assert all(can(Actor.system(), a) for a in Action)


def test_readme_has_the_generated_table() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert access_table_markdown() in readme

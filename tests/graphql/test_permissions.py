"""One test per cell of the role × action table, the README's copy of it, and every GraphQL field a
customer token can reach has a rule."""

from pathlib import Path

import pytest
from graphql import get_named_type, is_object_type, is_union_type

from models import StaffRole
from services.actor import Actor
from services.errors import NotFound, PermissionDenied, Unauthenticated
from resolvers.runtime.fields import VISIBLE, visibility_markdown
from resolvers.schema import schema
from services.permissions import OWN, TABLE, Action, CUSTOMER_READS, Role, access_table_markdown, can, check

ACTORS = {
    Role.ANONYMOUS: None,
    Role.CUSTOMER: Actor.customer(7),
    Role.STAFF: Actor.staff(1, StaffRole.STAFF),
    Role.MANAGER: Actor.staff(2, StaffRole.MANAGER),
    Role.SITE: Actor.api_client(3),
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
    manager = ACTORS[Role.MANAGER]
    assert all(can(Actor.system(), a) == can(manager, a) for a in Action)


def test_the_site_may_only_do_the_customer_channels_actions() -> None:
    """A row that leaves the site out refuses it: a new action is never the site's by accident."""
    site = ACTORS[Role.SITE]
    assert {a for a in Action if can(site, a, 7)} == {
        Action.ISSUE_CUSTOMER_TOKEN, Action.START_EMAIL_CHANGE, Action.LINK_LINE_ACCOUNT}


def test_readme_has_the_generated_table() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert access_table_markdown() in readme


def test_readme_has_the_generated_field_table() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert VISIBLE and visibility_markdown() in readme


#: Root fields that refuse a customer token (checked below, through the API).
STAFF_ONLY_ROOTS = {"customers": "{ customers { totalCount } }",
                    "cautions": "{ cautions { edges { node { id } } } }",
                    "blacklist": "{ blacklist { edges { node { id } } } }"}


def _customer_reach() -> dict[str, str]:
    """Every object type a customer token can reach (connections, edges and page info aside) → how."""
    customer = Actor.customer(7)
    types = schema._schema.query_type.fields
    pending = [(get_named_type(f.type), f"Query.{n}") for n, f in types.items() if n not in STAFF_ONLY_ROOTS]
    reached: dict[str, str] = {}
    while pending:
        graphql_type, via = pending.pop()
        if is_union_type(graphql_type):
            pending += [(member, via) for member in graphql_type.types]
            continue
        if not is_object_type(graphql_type) or graphql_type.name in reached:
            continue
        reached[graphql_type.name] = via
        for name, field in graphql_type.fields.items():
            action = VISIBLE.get((graphql_type.name, name))
            if action is None or can(customer, action):
                pending.append((get_named_type(field.type), f"{graphql_type.name}.{name}"))
    return {name: via for name, via in reached.items()
            if not name.endswith(("Connection", "Edge")) and name != "PageInfo"}


def test_every_type_a_customer_token_reaches_has_a_rule() -> None:
    reach = _customer_reach()
    missing = {name: via for name, via in reach.items() if name not in CUSTOMER_READS}
    assert not missing, f"add these to services.permissions.CUSTOMER_READS (reached through): {missing}"
    assert {"Customer", "Reservation", "Menu"} <= set(reach)
    # Staff-only fields are not followed: what only staff see is not reached.
    assert "BlacklistMatch" not in reach and "CustomerReferral" not in reach


@pytest.mark.parametrize("root", sorted(STAFF_ONLY_ROOTS))
async def test_the_staff_only_roots_refuse_a_customer_token(gql, given, root: str) -> None:
    token = await given.customer_token(await given.customer())
    answer = await gql(STAFF_ONLY_ROOTS[root], token=token, expect_errors=True)
    assert answer["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"

"""services.constraints: an IntegrityError is recognised by its constraint's name on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from models import Customer, InflowRoute, Menu
from services.constraints import (
    CHECK,
    FOREIGN_KEY,
    INTERNAL,
    MESSAGES,
    UNIQUE,
    domain_error,
    named_constraints,
    refusing_violations,
    violation,
)
from services.errors import DomainError, ErrorCode, FieldError

def test_every_unique_constraint_has_a_message_or_is_internal():
    unique = {name for name, kind in named_constraints().items() if kind == UNIQUE}
    missing = unique - set(MESSAGES) - INTERNAL
    assert not missing, (f"give these unique constraints a message in services/constraints.py MESSAGES "
                         f"(or list them in INTERNAL when no person can run into them): {missing}")


CUSTOMER = dict(last_name="山田", first_name="太郎", name_key="ヤマダタロウ", search_text="", phone="09012345678")


async def _violate(session, stmt) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught:
        await session.execute(stmt)
    await session.rollback()
    return caught.value


async def test_unique_check_and_foreign_key_violations_are_named(session):
    await session.execute(insert(Customer).values(customer_no="A1", email_key="a@example.jp", **CUSTOMER))
    await session.commit()

    dup = await _violate(session, insert(Customer).values(customer_no="A1", **CUSTOMER))
    assert violation(dup).kind == UNIQUE and violation(dup).name == "uq_customers_customer_no"

    email = await _violate(session, insert(Customer).values(customer_no="A2", email_key="a@example.jp", **CUSTOMER))
    assert violation(email).name == "uq_customers_email_key_active"

    check = await _violate(session, update(Customer).values(pre_system_visit_count=-1))
    assert violation(check).kind == CHECK
    assert violation(check).name == "ck_customers_pre_system_visit_count_nonneg"

    fk = await _violate(session, update(Customer).values(occupation_id=999))
    assert violation(fk).kind == FOREIGN_KEY
    assert domain_error(fk).code == ErrorCode.IN_USE


async def test_the_message_comes_from_the_name_and_a_caller_may_reword_it(session):
    session.add(Menu(name="カット", price=5000))
    await session.commit()
    with pytest.raises(DomainError) as refused:
        async with refusing_violations():
            session.add(Menu(name="カット", price=4000))
            await session.flush()
    await session.rollback()
    assert (refused.value.field, refused.value.code) == ("name", ErrorCode.DUPLICATE)
    assert refused.value.message == MESSAGES["uq_menus_name"].message

    session.add(InflowRoute(name="口コミ"))
    await session.commit()
    with pytest.raises(DomainError) as reworded:
        async with refusing_violations({"uq_inflow_routes_name": FieldError("name", ErrorCode.DUPLICATE,
                                                                            "別の名前に")}):
            session.add(InflowRoute(name="口コミ"))
            await session.flush()
    await session.rollback()
    assert reworded.value.message == "別の名前に"

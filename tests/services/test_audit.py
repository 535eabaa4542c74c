"""Audit names are enums with Japanese labels; every admin view logs under a known entity."""

from __future__ import annotations

import pytest

from admin.site import VIEWS
from services import audit


def test_every_admin_view_logs_under_a_known_entity():
    for view in VIEWS:
        assert audit.AuditEntity(getattr(view, "audit_entity", None) or view.identity.replace("-", "_")).label


@pytest.mark.parametrize(("field", "value", "label"), [
    ("gender", "UNANSWERED", "未回答"), ("gender", "MALE", "男性"), ("role", "MANAGER", "店長・管理者"),
    ("gender", "GONE", "GONE"), ("notes", "MALE", "MALE"),
])
def test_enum_values_read_as_labels(field, value, label):
    assert audit.value_label(field, value) == label


async def test_unknown_entity_or_action_is_refused(session, system_actor):
    with pytest.raises(ValueError):
        await audit.record(session, system_actor, entity="nonsense", entity_id=None, action="create")
    with pytest.raises(ValueError):
        await audit.record(session, system_actor, entity="customer", entity_id=None, action="explode")

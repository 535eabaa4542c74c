"""Staff accounts (who log in) and the viewer union returned by ``me``."""

from __future__ import annotations

from typing import Annotated

import strawberry

import models
from resolvers.runtime.fields import link
from resolvers.runtime.loaders import Loaders
from schema.generate import model_type
from schema.types.catalog import StaffMember
from schema.types.customer import Customer




@model_type(
    models.StaffAccount,
    include={
        "id": "identifier",
        "login_id": "login id",
        "display_name": "display name",
        "role": "role",
        "active": "may log in",
        "last_login_at": "last login",
    },
    description="ログインアカウント (staff account; the password never leaves the server)",
)
class StaffAccount:
    staff_member: StaffMember | None = link(Loaders.staff_member, "staff_member_id",
                                            description="スタッフ (the staff member this account belongs to)")


Viewer = Annotated[
    StaffAccount | Customer,
    strawberry.union("Viewer", description="ログイン中の利用者 (the staff account or customer of the token)"),
]

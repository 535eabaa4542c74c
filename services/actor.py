"""Who is acting: a staff account (with its role), a customer, or the system."""

from __future__ import annotations

from dataclasses import dataclass

from models import ActorKind, StaffRole
from services.errors import PermissionDenied, Unauthenticated


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    account_id: int | None = None
    customer_id: int | None = None
    role: StaffRole | None = None
    name: str = ""
    api_client_id: int | None = None

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(ActorKind.SYSTEM, name=name)

    @classmethod
    def staff(cls, account_id: int, role: StaffRole, name: str = "") -> Actor:
        return cls(ActorKind.STAFF, account_id=account_id, role=role, name=name)

    @classmethod
    def customer(cls, customer_id: int, name: str = "") -> Actor:
        return cls(ActorKind.CUSTOMER, customer_id=customer_id, name=name)

    @classmethod
    def api_client(cls, api_client_id: int, name: str = "") -> Actor:
        """The reservation site's server (サイト連携キー): no person, the customer channel's powers only."""
        return cls(ActorKind.API_CLIENT, api_client_id=api_client_id, name=name)

    @property
    def is_staff(self) -> bool:
        return self.kind in (ActorKind.STAFF, ActorKind.SYSTEM)

    @property
    def is_manager(self) -> bool:
        return self.kind == ActorKind.SYSTEM or self.role == StaffRole.MANAGER


def require_staff(actor: Actor | None) -> Actor:
    if actor is None:
        raise Unauthenticated()
    if not actor.is_staff:
        raise PermissionDenied("スタッフのみが行える操作です。")
    return actor


def require_manager(actor: Actor | None) -> Actor:
    actor = require_staff(actor)
    if not actor.is_manager:
        raise PermissionDenied("店長・管理者のみが行える操作です。")
    return actor

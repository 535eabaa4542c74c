"""The per-request GraphQL context and the ``Info`` alias resolvers annotate with."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry
from starlette.requests import Request

from models.db import Database
from schema.loaders import Loaders
from services.actor import Actor
from services.config import Settings


@dataclass
class Context:
    """What every resolver can reach: the database, who is asking, and the request's dataloaders.

    There is no shared session: a root resolver opens its own (a transaction for a
    mutation) and each dataloader batch opens a short one, because Strawberry runs
    sibling resolvers concurrently and an ``AsyncSession`` is not safe for that.
    """

    db: Database
    settings: Settings
    actor: Actor | None
    loaders: Loaders
    request: Request
    token: str | None = None
    #: ``login`` calls made so far in this request: one is allowed (each costs an argon2 hash).
    logins: int = 0

    @property
    def is_staff(self) -> bool:
        return self.actor is not None and self.actor.is_staff


Info = strawberry.Info[Context, None]

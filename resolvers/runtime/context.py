"""The per-request GraphQL context and the ``Info`` alias resolvers annotate with."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from starlette.requests import Request

from models.db import Database
from resolvers.runtime.loaders import Loaders
from resolvers.runtime.reads import RequestReads
from services.actor import Actor
from services.config import Settings
from services.permissions import Action, can


@dataclass
class Context:
    """What every resolver can reach: the database, who is asking, and the request's dataloaders.

    Reads share one session per request (``reads``: root resolvers and dataloader batches
    take turns on it); a mutation opens its own transaction (``db.transaction()``).
    """

    db: Database
    settings: Settings
    actor: Actor | None
    loaders: Loaders
    request: Request
    reads: RequestReads
    token: str | None = None
    #: ``login`` calls made so far in this request: one is allowed (each costs an argon2 hash).
    logins: int = 0
    _allowed: dict[Action, bool] = field(init=False, default_factory=dict, repr=False)

    def may(self, action: Action) -> bool:
        """Whether the caller may do ``action`` (``services.permissions``), asked once per request:
        a list asks it for every row of every field the permission table restricts."""
        try:
            return self._allowed[action]
        except KeyError:
            allowed = self._allowed[action] = can(self.actor, action)
            return allowed


Info = strawberry.Info[Context, None]

"""GraphQL resolvers and the /graphql route."""

from __future__ import annotations

from starlette.routing import BaseRoute

from models.db import Database
from services.config import Settings


def graphql_routes(db: Database, settings: Settings) -> list[BaseRoute]:
    from resolvers.app import routes

    return routes(db, settings)

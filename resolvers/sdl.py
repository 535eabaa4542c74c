"""The GraphQL schema as SDL, committed as ``schema.graphql`` (``make schema`` rewrites it).

Frontend teams generate code from the committed file, and a test fails when the
schema changes without it, so every change of the contract shows up in review.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SDL_PATH = ROOT / "schema.graphql"


def print_sdl() -> str:
    from resolvers.schema import schema

    return schema.as_str() + "\n"


def export_sdl(path: str | Path = SDL_PATH) -> None:
    Path(path).write_text(print_sdl(), encoding="utf-8")

"""The committed SDL is the contract: it matches the code, and it exposes nothing internal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import strawberry
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, build_schema

import models
from schema.generate import ModelTypeError, model_type
from resolvers.sdl import SDL_PATH, export_sdl, print_sdl
from services.errors import ErrorCode

SENSITIVE = [
    "passwordHash",
    "tokenHash",
    "nameKey",
    "searchText",
    "emailKey",
    "secret",
    "password_hash",
    "token_hash",
    "name_key",
    "search_text",
    "email_key",
]


def test_committed_sdl_matches_the_code():
    committed = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.exists() else ""

    assert committed == print_sdl(), "schema.graphql is out of date: run `make schema` and commit the file"


def test_export_writes_the_printed_schema(tmp_path):
    target = tmp_path / "schema.graphql"

    export_sdl(target)

    assert target.read_text(encoding="utf-8") == print_sdl()


@pytest.mark.parametrize("word", SENSITIVE)
def test_no_sensitive_field_in_the_sdl(word):
    # Field names only: "password" appears in LoginInput on purpose, a hash never does.
    names = set(re.findall(r"^\s*(\w+)\s*[(:]", print_sdl(), flags=re.MULTILINE))

    assert word not in names
    assert word.lower() not in {n.lower() for n in names}


def test_every_type_field_and_enum_value_is_described():
    sdl = build_schema(print_sdl())
    missing = []
    for name, graphql_type in sdl.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(graphql_type, (GraphQLObjectType, GraphQLInputObjectType)):
            missing += [f"{name}.{f}" for f, field in graphql_type.fields.items() if not field.description]
        if isinstance(graphql_type, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in graphql_type.values.items()
                        if not value.description or value.description == v]  # the name is no description

    assert missing == []


def test_customer_fields_carry_the_japanese_label_of_their_column():
    customer = build_schema(print_sdl()).type_map["Customer"]

    assert customer.fields["customerNo"].description.startswith("お客様番号")
    assert customer.fields["lastNameKana"].description.startswith("セイ")
    assert build_schema(print_sdl()).type_map["Gender"].values["FEMALE"].description == "女性"


def test_generator_refuses_internal_columns():
    with pytest.raises(ModelTypeError, match="internal"):

        @model_type(models.StaffAccount, include={"password_hash": "hash"}, description="x")
        class Leaky:
            pass


def test_generator_refuses_what_is_not_a_column():
    with pytest.raises(ModelTypeError, match="not a column"):

        @model_type(models.Customer, include={"inflow_routes": "routes"}, description="x")
        class Related:
            pass


@model_type(
    models.Menu,
    include={"name": "menu name", "category": "category"},
    description="メニュー",
    name="MenuProbe",
)
class MenuProbe:
    pass


@model_type(models.Occupation, include=["id", "name"], description="職業", name="OccupationProbe")
class OccupationProbe:
    pass


@strawberry.type
class ProbeQuery:
    probe: MenuProbe
    occupation: OccupationProbe


def test_generator_maps_columns_to_described_nullable_scalars():
    sdl = str(strawberry.Schema(query=ProbeQuery))

    assert '"""メニュー名 (menu name)"""\n  name: String!' in sdl
    assert '"""カテゴリ (category)"""\n  category: String\n' in sdl
    assert '"""ID・識別子"""\n  id: ID!\n\n  """名称"""\n  name: String!' in sdl


def test_every_error_code_is_raised_somewhere():
    """A code in the contract that nothing raises is a promise frontends would branch on in vain."""
    root = Path(__file__).resolve().parents[2]
    source = "\n".join(path.read_text(encoding="utf-8") for folder in ("services", "resolvers", "admin")
                       for path in (root / folder).rglob("*.py"))
    unused = [code.name for code in ErrorCode if not re.search(rf"ErrorCode\.{code.name}\b", source)]
    assert unused == []

"""services.owned_rows: every foreign key to customers is classified, in step with the database."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

from models import Base
from services.owned_rows import FK_ONDELETE, REGISTRY, OnDelete, customer_foreign_keys, unclassified


def test_every_foreign_key_to_customers_is_classified():
    missing = unclassified()
    assert not missing, (
        f"say in services/owned_rows.py REGISTRY what a merge and a delete do with {sorted(missing)}")


def test_the_registry_names_only_real_foreign_keys_once():
    keys = [(r.table, r.column) for r in REGISTRY]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(customer_foreign_keys())


def test_the_database_rule_matches_the_registry():
    rules = customer_foreign_keys()
    for entry in REGISTRY:
        assert rules[(entry.table, entry.column)] == FK_ONDELETE[entry.on_delete], entry
        assert (entry.blocks_with is not None) == (entry.on_delete is OnDelete.BLOCKS), entry


def test_a_new_unclassified_foreign_key_is_found():
    metadata = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    Table("loyalty_points", metadata, Column("id", Integer, primary_key=True),
          Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE")))
    assert unclassified(metadata) == {("loyalty_points", "customer_id")}

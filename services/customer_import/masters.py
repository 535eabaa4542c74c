"""The store's master lists, read once per import: names → ids for lookups, names for the template."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import FirstVisitMotive, FreeItem, FreeItemChoice, InflowRoute, Occupation


def name_key(text: str) -> str:
    """Master names compare without width, case or spacing differences (「Ｉｎｓｔａｇｒａｍ」 = 「instagram」)."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


@dataclass
class MasterList:
    label: str
    ids: dict[str, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # active ones, in display order (template lists)

    def add(self, id_: int, name: str, active: bool) -> None:
        self.ids.setdefault(name_key(name), id_)
        if active:
            self.names.append(name)


@dataclass
class FreeItemList(MasterList):
    item_id: int = 0


@dataclass
class Masters:
    inflow_routes: MasterList
    occupations: MasterList
    motives: MasterList
    free_items: list[FreeItemList]

    def free_item(self, item_id: int) -> FreeItemList | None:
        return next((f for f in self.free_items if f.item_id == item_id), None)


async def load_masters(session: AsyncSession) -> Masters:
    lists = []
    for model, label in ((InflowRoute, "流入経路"), (Occupation, "職業"), (FirstVisitMotive, "初回来店動機")):
        found = MasterList(label)
        rows = (await session.execute(
            select(model.id, model.name, model.active).order_by(model.sort_order, model.id))).all()
        for row in rows:
            found.add(row.id, row.name, row.active)
        lists.append(found)
    items = (await session.execute(
        select(FreeItem.id, FreeItem.name).where(FreeItem.active.is_(True)).order_by(FreeItem.position))).all()
    choices = (await session.execute(
        select(FreeItemChoice.id, FreeItemChoice.free_item_id, FreeItemChoice.name)
        .order_by(FreeItemChoice.sort_order, FreeItemChoice.id))).all()
    free_items = []
    for item in items:
        entry = FreeItemList(item.name, item_id=item.id)
        for choice in choices:
            if choice.free_item_id == item.id:
                entry.add(choice.id, choice.name, True)
        free_items.append(entry)
    return Masters(*lists, free_items=free_items)

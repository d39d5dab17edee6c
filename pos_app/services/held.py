"""Held baskets (挂单) as people see them: in the recall list and on the Z report."""
from __future__ import annotations

import json

from pos_app.domain.documents import HeldBasket
from pos_app.ports.store import UnitOfWork


def held_baskets(uow: UnitOfWork) -> list[HeldBasket]:
    """Every basket held at this till, oldest first, with its amount, items and member."""
    out = []
    for held_id, label, at, body in uow.shifts.held_bodies(uow.site.till_id()):
        data = json.loads(body)
        summary = data.get("summary") or {}
        items = summary.get("items")
        if items is None:
            items = sum(int(i.get("qty", 1)) for i in data.get("items", []))
        out.append(HeldBasket(held_id, label, at, summary.get("total_fen"), int(items),
                              str(summary.get("member") or "")))
    return out


def list_held(uow_factory: object) -> list[HeldBasket]:
    """held_baskets in a unit of work of its own (for the recall list)."""
    with uow_factory() as uow:  # type: ignore[operator]
        return held_baskets(uow)

"""Creating or upgrading a till's data: the shop, the till, the first rule set, the first users."""
from __future__ import annotations

from pos_app.domain.errors import NotFound
from pos_app.domain.rules import RuleSet, default_rule_set
from pos_app.domain.shop import ShopInfo, TillInfo
from pos_app.ports.clock import Clock, IdSource
from pos_app.ports.store import (
    PinHasher,
    ProductImportRow,
    UnitOfWorkFactory,
    UserRecord,
)
from pos_app.services.cards import FEE_ANNUAL, FEE_CARD, FEE_REPLACEMENT

# The fees of the card lifecycle are sold as these items; their price comes from the rule set.
FEE_ITEMS = ((FEE_CARD, "会员卡工本费"), (FEE_ANNUAL, "会员年费"), (FEE_REPLACEMENT, "补卡费"))


def initialise(uow: UnitOfWorkFactory, clock: Clock, ids: IdSource, hasher: PinHasher,
               shop: ShopInfo, till: TillInfo,
               users: tuple[tuple[str, str, str, str], ...] = (),
               rules: RuleSet | None = None) -> bool:
    """Make the shop, till, rule set and users that are missing; True if anything was created."""
    now = clock.now()
    created = False
    with uow() as w:
        if w.site.ensure(ids.new_id(), shop, ids.new_id(), till):
            created = True
            w.audit.record(now, None, "till_initialised", till.code, {"shop": shop.code})
        try:
            w.rules.current(now)
        except NotFound:
            w.rules.add(rules or default_rule_set(), now.replace(year=2000), now)
            created = True
        for sku, name in FEE_ITEMS:
            if w.catalog.find_by_code(sku) is None:
                w.imports.apply_products([ProductImportRow(0, sku, "", name, ("服务", "会员卡"), 0,
                                                           "excluded", None)], now)
                created = True
        for username, display, role, pin in users:
            if w.users.find_by_username(username) is None:
                w.users.add(UserRecord(ids.new_id(), username, display, role, hasher.hash(pin),
                                       0, None, True), now)
                w.audit.record(now, None, "user_added", username, {"role": role})
                created = True
        w.commit()
    return created

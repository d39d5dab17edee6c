"""Shared by the member-code tests: head office's key delivered to a till the way a pull of
the settings stream delivers it (the real sync store applies the page)."""
from __future__ import annotations

import json

from db.sync_store import SqlSyncStore
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.signing import TrustedKeys
from pos_app.sync.ports import PulledPage


def publish_to_till(shop, keys: TrustedKeys, rules: dict | None = None) -> None:  # noqa: ANN001
    items = [{"key": "signing_keys", "state": {"key": "signing_keys", "version": 1,
                                               "body": keys.to_document()}}]
    if rules:
        items.append({"key": "member_code", "state": {"key": "member_code", "version": 1,
                                                      "body": rules}})
    SqlSyncStore(shop.uow.engine, UuidV7Source()).apply_page(
        PulledPage("settings", json.loads(json.dumps(items)), "0.1", False, 0), shop.clock.now())


def publish_member_site(shop, url: str) -> None:  # noqa: ANN001
    item = {"key": "member_site", "state": {"key": "member_site", "version": 1,
                                            "body": {"public_url": url}}}
    SqlSyncStore(shop.uow.engine, UuidV7Source()).apply_page(
        PulledPage("settings", [item], "0.2", False, 0), shop.clock.now())

"""Create or upgrade a till database through Alembic (the only way the schema changes)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head",
            mobile_keys: Callable[[], Any] | None = None) -> None:
    """Bring the database to `revision` (default: the newest). A migration that hashes
    mobiles (0009) asks `mobile_keys` for the till's pos_app.mobile_keys.MobileKeys; by
    default those of the credential store of the data dir the database file is in."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        config.attributes["mobile_keys"] = mobile_keys or (lambda: _keys_beside(engine))
        command.upgrade(config, revision)


def _keys_beside(engine: Engine) -> Any:
    from db.store import mobile_keys_for
    database = engine.url.database
    if not database or database == ":memory:":
        from pos_app.mobile_keys import till_mobile_keys
        from pos_app.secrets import MemorySecretStore
        return till_mobile_keys(MemorySecretStore())
    return mobile_keys_for(Path(database).parent)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()

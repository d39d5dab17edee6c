"""An app factory for several uvicorn worker processes:

    POS_HQ_DB=postgresql://... uvicorn --factory headoffice.asgi:app_from_env --workers 4

The database must already be migrated (`pos-hq serve` does it before starting workers)."""
from __future__ import annotations

import os

from fastapi import FastAPI

from headoffice.app import create_app
from headoffice.db import create_ho_engine
from headoffice.service import HeadOffice


def app_from_env() -> FastAPI:
    url = os.environ["POS_HQ_DB"]
    pool = int(os.environ.get("POS_HQ_POOL", "8"))
    lock = os.environ.get("POS_HQ_LOCK_TIMEOUT_MS", "")
    ho = HeadOffice(create_ho_engine(url, pool_size=pool,
                                     lock_timeout_ms=int(lock) if lock.isdigit() else None))
    from headoffice.member_site.wiring import build_member_site
    from headoffice.signing import HeadOfficeSigner
    return create_app(ho, build_member_site(ho, HeadOfficeSigner.load_or_create()))

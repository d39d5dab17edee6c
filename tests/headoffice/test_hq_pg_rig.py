"""The CI path: with no server on 127.0.0.1:5432 the rig starts a throwaway cluster itself."""
from __future__ import annotations

import psycopg
import pytest

from headoffice.db import create_ho_engine
from headoffice.migrate import upgrade
from headoffice.service import HeadOffice
from tests.headoffice.hq_rig import ThrowawayCluster

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_a_throwaway_cluster_starts_takes_the_schema_and_stops():
    cluster = ThrowawayCluster()
    try:
        dsn = cluster.start()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE DATABASE hq_rig_check")
        engine = create_ho_engine(dsn.rpartition("/")[0] + "/hq_rig_check")
        upgrade(engine)
        ho = HeadOffice(engine)
        ho.add_shop("S001", "示范百货")
        assert ho.authenticate(ho.enrol(ho.add_till("S001", "T01")).api_key).shop_code == "S001"
        engine.dispose()
    finally:
        cluster.stop()
    assert not cluster.root.exists()

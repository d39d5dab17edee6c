"""schemathesis drives the published OpenAPI schema over real HTTP: no input makes a 5xx."""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from headoffice.service import HeadOffice
from tests.headoffice.hq_rig import LiveServer, enrol_till

pytestmark = pytest.mark.postgres
EXAMPLES = int(os.environ.get("POS_FUZZ_EXAMPLES", "30"))  # per operation; CI keeps it small


def test_no_request_the_schema_allows_makes_a_server_error(hq: HeadOffice, live: LiveServer):
    hq.import_members([{"id": "0190f000-0000-7000-8000-000000000002", "name": "李娜",
                        "card_no": "100002", "paid_fen": 10_000, "points": 500}])
    key = enrol_till(hq, live.url)
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    tried: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        tried.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case) -> None:
            response = case.call(base_url=live.url, headers={"X-Api-Key": key})
            assert response.status_code < 500, (case.method, case.path, case.body,
                                                response.text[:300])

        run()
    assert len(tried) == 6

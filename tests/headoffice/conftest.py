"""Head-office fixtures come from the shared rig (tests/sync uses them too)."""
from tests.headoffice.hq_rig import hq, live, pg_admin_dsn, pg_template, pg_url  # noqa: F401

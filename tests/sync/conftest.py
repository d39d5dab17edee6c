"""Sync tests run real tills against a real head office on PostgreSQL."""
from tests.headoffice.hq_rig import hq, live, pg_admin_dsn, pg_template, pg_url  # noqa: F401

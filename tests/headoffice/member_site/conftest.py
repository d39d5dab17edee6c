from tests.headoffice.hq_rig import hq, live, pg_admin_dsn, pg_template, pg_url  # noqa: F401
from tests.headoffice.member_site.member_rig import member_hq  # noqa: F401
from tests.ui.conftest import _zh_built, printer, zh_translator  # noqa: F401

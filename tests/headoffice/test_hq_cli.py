"""`pos-hq` on its embedded SQLite default: shops, tills, enrolment codes, revocation."""
from __future__ import annotations

from pathlib import Path

import pytest

from headoffice.cli import main, open_headoffice
from headoffice.errors import NotEnrolled


def test_pos_hq_adds_a_shop_and_a_till_and_revokes_it_on_sqlite(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    url = f"sqlite:///{tmp_path / 'hq.sqlite3'}"
    assert main(["--db", url, "shop", "add", "S001", "示范百货"]) == 0
    assert main(["--db", url, "till", "add", "S001", "T01"]) == 0
    code = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    ho = open_headoffice(url)
    enrolment = ho.enrol(code)
    assert ho.authenticate(enrolment.api_key).till_code == "T01"
    with pytest.raises(NotEnrolled):
        ho.enrol(code)
    assert main(["--db", url, "till", "revoke", "S001", "T01"]) == 0
    with pytest.raises(NotEnrolled):
        ho.authenticate(enrolment.api_key)
    assert main(["--db", url, "till", "add", "S999", "T01"]) == 2

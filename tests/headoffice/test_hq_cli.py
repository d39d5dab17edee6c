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


def test_pos_hq_user_add_without_a_terminal_says_to_use_password_stdin(tmp_path: Path):
    """No terminal to ask the password on (a script, cron, ssh without -t): a clear error,
    no traceback and no user; the same command with --password-stdin adds the user."""
    import os
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'hq.sqlite3'}"
    cmd = [sys.executable, "-m", "headoffice.cli", "--db", url, "user", "add", "boss",
           "--role", "admin"]
    env = {**os.environ, "POS_HQ_SIGNING_KEY": str(tmp_path / "hq.key")}
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          start_new_session=True, timeout=120, env=env)   # no controlling tty
    assert done.returncode == 2, done.stderr
    assert "--password-stdin" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run([*cmd, "--password-stdin"], input="correct horse battery 42\n",
                          capture_output=True, text=True, start_new_session=True, timeout=120,
                          env=env)
    assert done.returncode == 0, done.stderr
    assert "user boss added (admin)" in done.stdout

"""The `pos` command as a manager uses it: init, import, quote (JSON and errors)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.store_support import store_db

ROOT = Path(__file__).resolve().parents[2]


def pos(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POS_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pos_cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo")
    result = pos(data_dir, "init", "--demo")
    assert result.returncode == 0, result.stderr
    return data_dir


def test_init_twice_is_safe_and_adds_nothing_more(demo):
    result = pos(demo, "init", "--demo")
    assert result.returncode == 0
    assert "0 products, 0 members added" in result.stdout


def test_quote_json_for_a_gold_member(demo):
    result = pos(demo, "quote", "--json", "--card", "880000000004", "P00001x2", "GIFT-100")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lines"][0] == {**data["lines"][0], "sku": "P00001", "qty": 2}
    assert data["lines"][0]["amount"] == round(2 * 19_900 * 0.88)
    assert data["total"] == sum(line["amount"] for line in data["lines"])
    assert data["points"] == (data["lines"][0]["amount"]) // 1000
    assert isinstance(data["total"], int)


def test_quote_without_a_card_earns_no_points(demo):
    data = json.loads(pos(demo, "quote", "--json", "P00001").stdout)
    assert data["points"] == 0 and data["member"] is None


def test_quote_is_deterministic_and_records_nothing(demo):
    first = pos(demo, "quote", "--json", "--at", "2026-11-28T10:00", "P00002x3").stdout
    second = pos(demo, "quote", "--json", "--at", "2026-11-28T10:00", "P00002x3").stdout
    assert first == second
    db = store_db(demo / "pos.sqlite3")
    assert db.execute("SELECT count(*) FROM sales").fetchone()[0] == 0


@pytest.mark.parametrize("args, word", [(["NOSUCH"], "unknown item"),
                                        (["--card", "999", "P00001"], "unknown card"),
                                        (["--card", "880000000006", "P00001"], "lost")])
def test_quote_errors_exit_non_zero_with_one_line(demo, args, word):
    result = pos(demo, "quote", *args)
    assert result.returncode != 0
    assert word in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_import_reports_bad_rows_and_imports_nothing(demo, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,name,price,kind\nZ1,好,1.00,regular\nZ2,坏,x,regular\n", encoding="gbk")
    result = pos(demo, "import", "products", str(bad))
    assert result.returncode == 2
    assert "line 3" in result.stderr
    assert "unknown item" in pos(demo, "quote", "Z1").stderr


def test_sync_lists_refused_events_and_resolves_one_by_id(demo):
    from datetime import datetime

    from wiring import enrolment_store

    assert pos(demo, "sync", "--refused").stdout.endswith(
        "0 refused event(s) waiting for a person (pos sync --resolve ID once dealt with)\n")
    with enrolment_store(demo) as store:
        event = store.pending(1)[0]                      # as if head office refused it
        store.record_push([{"id": event.id, "device_seq": event.device_seq,
                            "status": "refused", "reason": "payload_mismatch",
                            "detail": "not the same event"}],
                          store.state().epoch, datetime(2026, 11, 28, 12))
    listed = pos(demo, "sync", "--refused")
    assert listed.returncode == 0
    assert f"{event.id}\tseq {event.device_seq}\t{event.kind}\t" in listed.stdout
    assert "\tpayload_mismatch\tnot the same event\n1 refused event(s)" in listed.stdout
    unknown = pos(demo, "sync", "--resolve", "no-such-event")
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "error: no unresolved refused event no-such-event"
    done = pos(demo, "sync", "--resolve", event.id)
    assert (done.returncode, done.stdout) == (0, f"event {event.id} marked resolved\n")
    assert pos(demo, "sync", "--refused").stdout.startswith("0 refused event(s)")


def test_certify_says_head_office_is_not_reachable(tmp_path):
    from pos_app.settings import load_settings, save_settings, with_section

    save_settings(tmp_path, with_section(load_settings(tmp_path), "sync",
                                         headoffice_url="http://127.0.0.1:9",
                                         api_key="hq_not_checked"))
    result = pos(tmp_path, "certify")
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("error: head office not reachable")

"""Speed and memory measurements (not tests); each module says how to run it."""
from __future__ import annotations

import os
from pathlib import Path


def use_file_keyring_unless_configured(results_dir: Path) -> None:
    """The tills a benchmark builds keep their keys in the OS credential store. On a machine
    without a desktop Secret Service (a server, CI) use the encrypted keyring file instead,
    beside the benchmark's own data, as the test suite does; a configured POS_KEYRING wins."""
    if os.environ.get("POS_KEYRING") or os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return
    results_dir.mkdir(parents=True, exist_ok=True)
    os.environ["POS_KEYRING"] = "file"
    os.environ.setdefault("POS_KEYRING_FILE", str(results_dir / "keyring" / "keyring.cfg"))
    # Benchmark data only: a fixed password keeps a --reuse run able to open what it built.
    os.environ.setdefault("POS_KEYRING_PASSWORD", "benchmark-data-only")

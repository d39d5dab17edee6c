"""Print a decoded ESC/POS file for review: `python tests/receipts/show_receipt.py FILE.bin`.

Each text line shows width x height, alignment and bold before the text, framed by
'|' so trailing spaces and the paper width are visible.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.simulators.escpos_decoder import TextLine, decode  # noqa: E402


def main(paths: list[str]) -> None:
    for path in paths:
        print(f"== {path}")
        for item in decode(Path(path).read_bytes()).items:
            if isinstance(item, TextLine):
                flags = f"{item.width}x{item.height} {item.align[0]}{'B' if item.bold else ' '}"
                print(f"{flags} |{item.text}|")
            else:
                print(f"        {item}")


if __name__ == "__main__":
    main(sys.argv[1:])

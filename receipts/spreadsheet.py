"""Excel exports of reports (every report exports to Excel, rules §9): rows in, .xlsx bytes out."""
from __future__ import annotations

import io
from decimal import Decimal
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Cell = str | int | None


def render_xlsx(title: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]],
                money_columns: Sequence[int] = ()) -> bytes:
    """One sheet: a bold header row, the rows, money columns (fen) shown as yuan with 2 decimals.

    Money stays exact: the cell is written from the integer as a Decimal (70.40 is the text in
    the file), never through a float.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        out: list[object] = []
        for i, value in enumerate(row):
            if i in money_columns and isinstance(value, int):
                out.append(Decimal(value).scaleb(-2))
            else:
                out.append(value)
        ws.append(out)
    for i in money_columns:
        for cell in ws.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
            cell[0].number_format = "#,##0.00"
    for col in range(1, len(headers) + 1):
        width = max((len(str(c.value or "")) for c in ws[get_column_letter(col)]), default=8)
        ws.column_dimensions[get_column_letter(col)].width = min(max(width * 2, 10), 60)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

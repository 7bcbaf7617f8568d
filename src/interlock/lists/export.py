"""CSV and XLSX export of a list as it is shown (filters, tag, sort, chosen columns).

Cells that a spreadsheet would run as a formula are neutralised by
:func:`neutralise`. CSV follows RFC 4180 (``,`` separated, fields quoted
only when needed, quotes doubled, ``CRLF`` line ends) in UTF-8 with a byte
order mark so that Excel reads the umlauts right, and is streamed row by
row. XLSX is written with openpyxl's write-only workbook.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from interlock.lists.registry import Column, ListSpec

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CELL = 32767
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: str) -> str:
    """``value`` with a leading ``'`` if a spreadsheet would read it as a formula."""
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell(value: Any) -> Any:
    """A value as it goes into a file: numbers stay numbers, all else neutralised text."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | Decimal | float):
        return value
    return neutralise(str(value))


def table(rows: Iterable[Any], columns: Sequence[Column]) -> Iterator[list[Any]]:
    """The header (translated labels), then one list of cells per row."""
    yield [neutralise(str(c.label)) for c in columns]
    for obj in rows:
        yield [cell(c.value(obj)) for c in columns]


class _Echo:
    """A file-like object whose ``write`` hands the line back (for streaming)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(lines: Iterable[Sequence[Any]]) -> Iterator[str]:
    """RFC 4180 lines, the first starting with a byte order mark."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    yield "\ufeff"
    for line in lines:
        yield writer.writerow(line)


def xlsx_bytes(lines: Iterable[Sequence[Any]], title: str = "Export") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    for line in lines:
        sheet.append(
            [
                ILLEGAL_CHARACTERS_RE.sub("", v)[:XLSX_MAX_CELL] if isinstance(v, str) else v
                for v in line
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(queryset: QuerySet[Any]) -> Iterator[Any]:
    return queryset.iterator(chunk_size=1000)


def response(
    spec: ListSpec, queryset: QuerySet[Any], columns: Sequence[Column], kind: str
) -> HttpResponse | StreamingHttpResponse:
    """The download of ``queryset`` in ``kind`` (``csv`` streams, ``xlsx`` is built whole)."""
    filename = f"{spec.key}-{date.today().isoformat()}.{kind}"
    disposition = f'attachment; filename="{filename}"'
    lines = table(_rows(queryset), columns)
    if kind == "xlsx":
        result = HttpResponse(xlsx_bytes(lines, spec.key), content_type=XLSX_TYPE)
    else:
        streaming = StreamingHttpResponse(
            (line.encode("utf-8") for line in csv_lines(lines)), content_type=CSV_TYPE
        )
        streaming["Content-Disposition"] = disposition
        return streaming
    result["Content-Disposition"] = disposition
    return result

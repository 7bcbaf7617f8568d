"""Reading an uploaded file into a header and numbered rows of text.

CSV with any common delimiter (sniffed, with fallbacks), in UTF-8 with or
without BOM, UTF-16 with BOM, or Windows-1252; XLSX (first sheet) through
openpyxl in read-only mode. Every problem raises :class:`FileProblem` with a
message that says what is wrong and where, and what to do.

Row numbers are those a spreadsheet shows: the header is row 1, the first
record row 2 (a value spanning lines in a CSV file is still one row).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

MAX_BYTES = int(getattr(settings, "IMPORT_MAX_BYTES", 200 * 1024 * 1024))
MAX_COLUMNS = 200
MAX_VALUE = 131_072  # characters in one value (csv's own default limit)
DELIMITERS = ",;\t|"


class FileProblem(Exception):
    """The file cannot be read at all (nothing is imported)."""

    def __init__(self, message: str, *, code: str = "bad_file") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the user sees it, cells)
    encoding: str = ""
    delimiter: str = ""
    skipped_blank: int = 0
    notes: list[str] = field(default_factory=list)


def is_xlsx(name: str, data: bytes) -> bool:
    return name.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"


def read_table(name: str, data: bytes) -> Table:
    """Parse ``data`` (the bytes of a file called ``name``)."""
    if len(data) > MAX_BYTES:
        raise FileProblem(
            _("The file is %(size)s MB; at most %(max)s MB can be imported. Split it.")
            % {"size": len(data) // 1_048_576, "max": MAX_BYTES // 1_048_576},
            code="too_large",
        )
    if not data.strip():
        raise FileProblem(
            _("The file is empty. Export it again with a header row and at least one row."),
            code="empty",
        )
    table = _read_xlsx(data) if is_xlsx(name, data) else _read_csv(data)
    if not table.rows:
        raise FileProblem(
            _("The file has a header row but no rows below it: there is nothing to import."),
            code="empty",
        )
    return table


# --- CSV -----------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding name; FileProblem if it is none we can read."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise _encoding_problem(data, exc.start) from None
    try:
        text = data.decode("utf-8-sig")
        return text, "UTF-8" if not data.startswith(b"\xef\xbb\xbf") else "UTF-8 (BOM)"
    except UnicodeDecodeError as exc:
        utf8_error = exc.start
    if b"\x00" in data[:4096]:
        raise _encoding_problem(data, utf8_error)
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:  # bytes that Windows-1252 leaves undefined
        raise _encoding_problem(data, exc.start) from None


def _encoding_problem(data: bytes, position: int) -> FileProblem:
    line = data.count(b"\n", 0, position) + 1
    return FileProblem(
        _(
            "The file is not text in UTF-8, UTF-16 or Windows-1252 (byte 0x%(byte)s on line "
            "%(line)s). Save it as “CSV UTF-8” or as an Excel workbook and upload it again."
        )
        % {"byte": f"{data[position]:02X}" if position < len(data) else "??", "line": line},
        code="encoding",
    )


def sniff_delimiter(text: str) -> str:
    sample = text[:65536]
    first_line = sample.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
        if dialect.delimiter in first_line:
            return str(dialect.delimiter)
    except csv.Error:
        pass
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FileProblem(
            _(
                "Line %(line)s contains a NUL character: this is not a text file. Export the "
                "data as CSV or XLSX again."
            )
            % {"line": line},
            code="encoding",
        )
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    csv.field_size_limit(MAX_VALUE)
    rows: list[tuple[int, list[str]]] = []
    headers: list[str] | None = None
    number = 0
    blank = 0
    try:
        for cells in reader:
            number += 1
            if headers is None:
                headers = _headers(cells)
                continue
            if not any(c.strip() for c in cells):
                blank += 1
                continue
            rows.append((number, cells))
    except csv.Error as exc:
        raise _csv_problem(exc, number + 1, reader.line_num) from None
    if headers is None:
        raise FileProblem(_("The file has no header row."), code="empty")
    return Table(headers, rows, encoding, delimiter, blank)


def _csv_problem(exc: csv.Error, row: int, line: int) -> FileProblem:
    text = str(exc)
    if "field larger than field limit" in text:
        message = _(
            "Row %(row)s (line %(line)s) has a value longer than %(max)s characters. Check the "
            "quotes around that row, or shorten the value."
        )
    elif "unexpected end of data" in text or "EOF" in text:
        message = _(
            "A quoted value that starts in row %(row)s (line %(line)s) is never closed. Check "
            'the quotes (") in that row.'
        )
    else:
        message = _(
            'Row %(row)s (line %(line)s) is not valid CSV: a quote (") is in the wrong place. '
            "Put values that contain quotes in quotes and double the quotes inside."
        )
    return FileProblem(
        message % {"row": row, "line": line, "max": f"{MAX_VALUE:,}"}, code="malformed"
    )


def _headers(cells: list[str]) -> list[str]:
    headers = [c.strip().lstrip("\ufeff") for c in cells]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise FileProblem(_("The first row is empty; it must name the columns."), code="no_header")
    if len(headers) > MAX_COLUMNS:
        raise FileProblem(
            _("The file has %(count)s columns; at most %(max)s can be imported.")
            % {"count": len(headers), "max": MAX_COLUMNS},
            code="too_many_columns",
        )
    seen: dict[str, int] = {}
    for position, name in enumerate(headers):
        if len(name) > 200:
            raise FileProblem(
                _("Column %(col)s has a header longer than 200 characters: is row 1 the header?")
                % {"col": position + 1},
                code="no_header",
            )
        if name and name.casefold() in seen:
            raise FileProblem(
                _("The column “%(name)s” appears twice in the header (columns %(a)s and %(b)s).")
                % {"name": name, "a": seen[name.casefold()] + 1, "b": position + 1},
                code="no_header",
            )
        seen[name.casefold()] = position
    return headers


# --- XLSX ----------------------------------------------------------------------------


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise _xlsx_problem() from None
    if unpacked > 8 * MAX_BYTES:
        raise FileProblem(
            _("The workbook unpacks to %(size)s MB, more than can be imported. Split it.")
            % {"size": unpacked // 1_048_576},
            code="too_large",
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken workbook
        raise _xlsx_problem() from None
    try:
        sheet = book.worksheets[0]
        rows: list[tuple[int, list[str]]] = []
        headers: list[str] | None = None
        blank = 0
        for number, values in enumerate(_sheet_rows(sheet), start=1):
            cells = [_cell_text(v) for v in values]
            if headers is None:
                if not any(cells):
                    raise FileProblem(
                        _("The first row of the first sheet is empty; it must name the columns."),
                        code="no_header",
                    )
                headers = _headers(cells)
                continue
            if not any(c.strip() for c in cells):
                blank += 1
                continue
            too_long = next((c for c in cells if len(c) > MAX_VALUE), None)
            if too_long is not None:
                raise FileProblem(
                    _("Row %(row)s has a value longer than %(max)s characters.")
                    % {"row": number, "max": f"{MAX_VALUE:,}"},
                    code="malformed",
                )
            rows.append((number, cells))
    except FileProblem:
        raise
    except Exception:
        raise _xlsx_problem() from None
    finally:
        book.close()
    if headers is None:
        raise FileProblem(_("The first sheet of the workbook is empty."), code="empty")
    return Table(headers, rows, "XLSX", "", blank)


def _sheet_rows(sheet: Any) -> Iterator[tuple[Any, ...]]:
    yield from sheet.iter_rows(values_only=True)


def _xlsx_problem() -> FileProblem:
    return FileProblem(
        _(
            "The file is not an Excel workbook we can read (.xlsx). Open it in Excel or "
            "LibreOffice and save it as .xlsx or as CSV UTF-8."
        ),
        code="bad_xlsx",
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.isoformat(sep=" ") if (value.hour or value.minute) else value.date().isoformat()
        )
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)

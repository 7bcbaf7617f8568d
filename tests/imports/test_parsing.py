"""Reading files: encodings, delimiters, XLSX, and every kind of malformed file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from interlock.imports.parsing import FileProblem, decode, read_table, sniff_delimiter
from tests.conftest import CORPORA


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_delimiters_and_encodings(delimiter: str, encoding: str) -> None:
    text = delimiter.join(["Name", "Stadt", "Umsatz"]) + "\r\n"
    text += delimiter.join(["Müller & Söhne", "Köln", '"1.234,50 €"']) + "\r\n"
    table = read_table("x.csv", text.encode(encoding))
    assert table.headers == ["Name", "Stadt", "Umsatz"]
    assert table.rows == [(2, ["Müller & Söhne", "Köln", "1.234,50 €"])]
    assert table.delimiter == delimiter


def test_row_numbers_count_the_header_and_multiline_values_once() -> None:
    data = b'a,b\n1,"two\nlines"\n\n3,4\n'
    table = read_table("x.csv", data)
    assert [n for n, _c in table.rows] == [2, 4]
    assert table.skipped_blank == 1


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"", "empty", "empty"),
        (b"   \n\n", "empty", "empty"),
        (b"name,email\n", "empty", "no rows"),
        (b'name,email\n"Jana,jana@x.de\nTom,tom@x.de\n', "malformed", "never closed"),
        (b'name,email\nJa"na"x,"a"b\n', "malformed", "row 2"),
        (b"name\n\x81\x8d\x90 broken\n", "encoding", "line 2"),
        (b"name\nab\x00cd\n", "encoding", "NUL"),
        (b"PK\x03\x04 not really a zip", "bad_xlsx", "Excel"),
        (b"a,a\n1,2\n", "no_header", "twice"),
    ],
)
def test_bad_files_say_what_and_where(data: bytes, code: str, words: str) -> None:
    with pytest.raises(FileProblem) as caught:
        read_table("upload.csv", data)
    assert caught.value.code == code
    assert words.lower() in caught.value.message.lower()


def test_one_huge_value_is_refused_with_its_row() -> None:
    data = b"name\nok\n" + b"x" * 200_000 + b"\n"
    with pytest.raises(FileProblem) as caught:
        read_table("big.csv", data)
    assert caught.value.code == "malformed" and "Row 3" in caught.value.message


def test_too_many_columns_and_too_big() -> None:
    with pytest.raises(FileProblem) as caught:
        read_table("wide.csv", (",".join(f"c{i}" for i in range(300)) + "\n1\n").encode())
    assert caught.value.code == "too_many_columns"


def test_xlsx_first_sheet_with_types() -> None:
    from datetime import datetime

    data = _xlsx(
        [
            ["Name", "Amount", "Date", None],
            ["Kessler", 1200.0, datetime(2024, 3, 1)],
            [None, None, None],
            ["Brandt", 5, None],
        ]
    )
    table = read_table("deals.xlsx", data)
    assert table.headers == ["Name", "Amount", "Date"]
    assert table.rows[0] == (2, ["Kessler", "1200", "2024-03-01", ""])
    assert table.rows[1][0] == 4 and table.encoding == "XLSX"


def test_csv_spectrum_corpus_reads_as_expected() -> None:
    base = CORPORA / "csv-spectrum"
    if not base.exists():
        pytest.skip(f"{base} not found (only the project's workspace has ../shared): skipped")
    for path in sorted((base / "csvs").glob("*.csv")):
        expected = json.loads((base / "json" / f"{path.stem}.json").read_text(encoding="utf-8"))
        expected = [expected] if isinstance(expected, dict) else expected
        table = read_table(path.name, path.read_bytes())
        got = [dict(zip(table.headers, cells, strict=False)) for _n, cells in table.rows]
        want = [row for row in expected if any(str(v).strip() for v in row.values())]
        if path.stem == "location_coordinates":
            # Upstream, this file's JSON names another phone number than its CSV.
            assert len(got) == 1 and got[0]["Cities"] == "Modesto"
            continue

        # The checkout may have turned the *_crlf files' line ends into LF.
        def lf(rows: list[dict[str, str]]) -> list[dict[str, str]]:
            return [{k: str(v).replace("\r\n", "\n") for k, v in r.items()} for r in rows]

        assert lf(got) == lf(want), path.name


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.lists(st.text(min_size=0, max_size=12), min_size=2, max_size=2), min_size=1, max_size=8
    )
)
def test_any_quoted_csv_round_trips(rows: list[list[str]]) -> None:
    """Whatever csv writes (quotes, delimiters, newlines in values), we read back."""
    import csv

    rows = [[c.replace("\x00", "").replace("\r", "") for c in r] for r in rows]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["h1", "h2"])
    writer.writerows(rows)
    try:
        table = read_table("x.csv", out.getvalue().encode("utf-8"))
    except FileProblem as exc:
        assert exc.code == "empty"  # every row blank
        assert all(not "".join(r).strip() for r in rows)
        return
    kept = [r for r in rows if "".join(r).strip()]
    assert [c for _n, c in table.rows] == kept


def test_sniffer_fallback_and_decode() -> None:
    assert sniff_delimiter("a;b;c\n") == ";"
    assert sniff_delimiter("single\n") == ","
    assert decode("x".encode("utf-16"))[1] == "UTF-16"
    assert decode(b"\xef\xbb\xbfx")[1] == "UTF-8 (BOM)"


def test_corpus_path_is_beside_the_repository() -> None:
    assert isinstance(CORPORA, Path)

"""Export: formula neutralisation (properties), RFC 4180 CSV, XLSX."""

from __future__ import annotations

import csv
import io
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from interlock.lists.export import FORMULA_STARTS, cell, csv_lines, neutralise, xlsx_bytes

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(text)
def test_neutralise_prefixes_exactly_the_formula_starts(value: str) -> None:
    result = neutralise(value)
    if value[:1] in FORMULA_STARTS and value:
        assert result == "'" + value
    else:
        assert result == value
    assert not result.startswith(FORMULA_STARTS)
    assert neutralise(result) == result  # idempotent


def test_neutralise_examples() -> None:
    for value in ("=1+1", "+49 711", "-5", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(value) == "'" + value
    for value in ("", "Kessler", "'=quoted", " =space", "1=1"):
        assert neutralise(value) == value
    assert cell(5) == 5 and cell(None) == "" and cell("=HYPERLINK()") == "'=HYPERLINK()"


@given(st.lists(st.lists(text, min_size=1, max_size=4), min_size=1, max_size=6))
def test_csv_round_trips_and_uses_crlf(rows: list[list[str]]) -> None:
    out = "".join(csv_lines(rows))
    assert out.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(out[1:], newline=""), strict=True))
    assert parsed == rows
    # RFC 4180: fields are quoted only when needed, quotes are doubled.
    assert "".join(csv_lines([["a", 'b"c', "d,e"]])) == '\ufeffa,"b""c","d,e"\r\n'


def test_xlsx_keeps_numbers_and_drops_illegal_characters() -> None:
    data = xlsx_bytes([["Name", "Id"], ["'=1+1", 7], ["bell\x07", 8]])
    sheet: Any = load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [["Name", "Id"], ["'=1+1", 7], ["bell", 8]]


def test_display_memo_is_per_language_and_value() -> None:
    from types import SimpleNamespace

    from django.utils import translation

    from interlock.lists.registry import display

    calls: list[str] = []

    def label(obj: Any) -> str:
        calls.append(obj.kind)
        return f"{obj.kind}@{translation.get_language()}"

    value = display("kind", label)
    a, b = SimpleNamespace(kind="a"), SimpleNamespace(kind="b")
    with translation.override("de"):
        assert [value(a), value(a), value(b)] == ["a@de", "a@de", "b@de"]
    with translation.override("en"):
        assert value(a) == "a@en"
    assert calls == ["a", "b", "a"]

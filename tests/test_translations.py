"""Every visible string has a German translation, and the compiled catalogue is current."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "interlock"
PO = PACKAGE / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def read_po(path: Path) -> list[dict[str, object]]:
    """A small reader for the entries of a .po file (enough for these checks)."""
    entries: list[dict[str, object]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        if not lines:
            continue
        entry: dict[str, object] = {
            "fuzzy": any(line.startswith("#,") and "fuzzy" in line for line in lines)
        }
        key, parts = None, []
        for line in [*lines, "end"]:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
            if match or line == "end":
                if key is not None:
                    entry[key] = _unquote(parts)
                if match:
                    key, parts = match.group(1), [match.group(2)]
            elif line.startswith('"') and key is not None:
                parts.append(line)
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def test_catalogue_is_complete() -> None:
    entries = read_po(PO)
    assert len(entries) > 300
    fuzzy = [e["msgid"] for e in entries if e["fuzzy"]]
    missing = [
        e["msgid"]
        for e in entries
        if not any(v for k, v in e.items() if str(k).startswith("msgstr"))
    ]
    assert not fuzzy, f"fuzzy German translations: {fuzzy}"
    assert not missing, f"untranslated: {missing}"


def test_compiled_catalogue_matches_the_po_file() -> None:
    catalogue = gettext.GNUTranslations(MO.open("rb"))
    stale = []
    for entry in read_po(PO):
        if "msgid_plural" in entry or "msgctxt" in entry:
            continue
        if catalogue.gettext(str(entry["msgid"])) != entry["msgstr"]:
            stale.append(entry["msgid"])
    assert not stale, f"django.mo is older than django.po; run `make messages`: {stale[:5]}"


_TEMPLATE_STRING = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
_PY_STRING = re.compile(
    r"""\b(?:_|gettext|gettext_lazy|pgettext_lazy)\(\s*(["'])((?:(?!\1).)+)\1\s*[,)]"""
)


@pytest.mark.parametrize("suffix", [".html", ".py"])
def test_every_marked_string_is_in_the_catalogue(suffix: str) -> None:
    known = {str(e["msgid"]) for e in read_po(PO)}
    pattern = _TEMPLATE_STRING if suffix == ".html" else _PY_STRING
    missing = set()
    for path in PACKAGE.rglob(f"*{suffix}"):
        if "migrations" in path.parts:
            continue
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            text = match.group(2)
            if suffix == ".py":
                text = ast.literal_eval(match.group(1) + text + match.group(1))
            if text not in known:
                missing.add(f"{path.relative_to(PACKAGE)}: {text}")
    assert not missing, (
        "not in the German catalogue; run `make messages` and translate:\n"
        + "\n".join(sorted(missing))
    )

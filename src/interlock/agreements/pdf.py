"""A contract version as a PDF (fpdf2, A4): title, parties, purpose, period, terms,
ladder and the signature block.

fpdf2's built-in fonts cover Latin-1 only, and embedding a Unicode font would
add megabytes to the package; :func:`latin1` keeps German text intact, spells
out the few typographic characters our sentences use and turns anything else
into "?", so no user-typed title can crash the download.
"""

from __future__ import annotations

import unicodedata

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from interlock.agreements.contract import Contract

SPELLED = {
    "€": "EUR",
    "–": "-",
    "—": "-",
    "‑": "-",
    "−": "-",
    "“": '"',
    "”": '"',
    "„": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "…": "...",
    "•": "-",
    "→": "->",
    "←": "<-",
    "≥": ">=",
    "≤": "<=",
    "\u202f": " ",  # narrow no-break space (French and German number formats)
    "\u2009": " ",
    "\u200b": "",
    "\ufeff": "",
}


def latin1(text: object) -> str:
    """``text`` in characters the PDF core fonts can draw."""
    out = []
    for char in unicodedata.normalize("NFC", str(text)):
        if char in SPELLED:
            out.append(SPELLED[char])
        elif char in "\n\t":
            out.append(" " if char == "\t" else char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue  # control, format and unassigned characters draw nothing useful
        elif ord(char) < 256:
            out.append(char)
        else:
            out.append("?")
    return "".join(out)


class _ContractPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110)
        page = _("Page %(n)s") % {"n": self.page_no()}
        self.cell(0, 10, latin1(f"{self.footer_text} · {page}"), align="C")


def contract_pdf(document: Contract, *, compress: bool = True) -> bytes:
    """The PDF bytes of ``document`` (render it in the wanted language first)."""
    pdf = _ContractPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(latin1(document.title))
    pdf.set_creator("Interlock")
    pdf.footer_text = latin1(
        _("%(title)s, version %(n)s") % {"title": document.title, "n": document.number}
    )
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()

    def heading(text: str, size: int = 13) -> None:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(0, 7, latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10.5)

    def paragraph(text: str) -> None:
        pdf.multi_cell(0, 5.5, latin1(text), new_x="LMARGIN", new_y="NEXT")

    heading(document.title, 18)
    paragraph(
        _("Team agreement, version %(n)s (%(status)s)")
        % {"n": document.number, "status": document.status_label}
    )
    heading(_("Parties"))
    for party in document.parties:
        leads = ", ".join(party.leads) or "-"
        paragraph(f"{party.role}: {party.team} ({_('team lead')}: {leads})")
    if document.purpose:
        heading(_("Purpose"))
        paragraph(document.purpose)
    heading(_("Period"))
    paragraph(document.period)
    heading(_("Terms"))
    for number, term in enumerate(document.terms, 1):
        paragraph(f"{number}. {term}")
    if not document.terms:
        paragraph(_("No terms yet."))
    heading(_("Escalation"))
    for step in document.ladder:
        paragraph(f"- {step}")
    if not document.ladder:
        paragraph(_("No escalation steps."))
    heading(_("Signatures"))
    for line in document.signatures:
        signed = formats.date_format(timezone.localtime(line.signed_at), "DATETIME_FORMAT")
        paragraph(
            _("%(name)s for %(team)s, signed %(at)s")
            % {"name": line.name, "team": line.team, "at": signed}
        )
    if not document.signatures:
        paragraph(_("Not signed yet."))
    if document.fingerprint:
        pdf.ln(2)
        pdf.set_font("Helvetica", size=8)
        paragraph(_("Fingerprint (SHA-256): %(hash)s") % {"hash": document.fingerprint})
    return bytes(pdf.output())

"""Timeline kinds (the filter chips and entry badges) have translated labels."""

from __future__ import annotations

from django.utils import translation

from interlock.customers import timeline


def test_every_kind_has_a_label_that_follows_the_language() -> None:
    kinds = timeline.kinds()
    assert {"record", "activity", "task", "merge", "deal", "quote", "complaint", "idea"} <= set(
        kinds
    )
    with translation.override("en"):
        english = timeline.kind_labels()
        assert english["complaint"] == "Complaint" and english["quote"] == "Quote"
        # The keys stay what filters and links carry; the label is for people.
        assert all(kind.label == english[kind] for kind in kinds)
        assert all(english[kind] != kind for kind in kinds), "a kind without a label"
    with translation.override("de"):
        german = timeline.kind_labels()
        assert german["complaint"] == "Reklamation"
        assert german["quote"] == "Angebot" and german["idea"] == "Idee"
        assert german["record"] == "Datensatz"
        choices = timeline.kind_choices()
        assert [key for key, _label in choices] != [] and set(dict(choices)) == set(kinds)
        assert dict(choices)["complaint"] == "Reklamation"
    # A kind nobody labelled shows its key rather than failing.
    assert timeline.kind_label("no-such-kind") == "no-such-kind"
    assert "complaint" in kinds and isinstance(kinds[0], str)

"""Seed the managed list of rejection reasons.

"no-need-now" and "wrong-persona" send a rejected lead back to marketing as
recycled (it may buy later or through someone else); the others disqualify
it. Names are stored in English; ``services_handoff.reason_label`` shows the
translated name of a seeded code until someone renames it.
"""

from django.db import migrations

REASONS = [
    ("wrong-size", "Wrong company size", "disqualified"),
    ("wrong-persona", "Wrong persona", "recycled"),
    ("wrong-region", "Wrong region", "disqualified"),
    ("existing-customer", "Existing customer", "disqualified"),
    ("competitor", "Competitor", "disqualified"),
    ("contact-data-wrong", "Contact data wrong", "disqualified"),
    ("no-need-now", "No need now", "recycled"),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    reason = apps.get_model("leads", "RejectionReason")
    for position, (code, name, outcome) in enumerate(REASONS, start=1):
        reason.objects.get_or_create(
            code=code, defaults={"name": name, "outcome": outcome, "position": position * 10}
        )


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    reason = apps.get_model("leads", "RejectionReason")
    reason.objects.filter(code__in=[code for code, _n, _o in REASONS], handoffs=None).delete()


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

# The scoring part: the settings row and the default engagement points.
from django.db import migrations

DEFAULT_POINTS = {
    "activity:meeting": 15,
    "activity:call": 10,
    "activity:email": 5,
    "campaign:form": 20,
    "campaign:attended": 25,
    "campaign:registered": 10,
    "campaign:clicked": 3,
    "campaign:opened": 1,
    "campaign:responded": 10,
}


def create_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    settings = apps.get_model("leads", "ScoringSettings")
    rule = apps.get_model("leads", "EngagementRule")
    settings.objects.get_or_create(pk=1)
    for trigger, points in DEFAULT_POINTS.items():
        rule.objects.get_or_create(trigger=trigger, defaults={"points": points})


def remove_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("leads", "EngagementRule").objects.filter(trigger__in=DEFAULT_POINTS).delete()
    apps.get_model("leads", "ScoringSettings").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("leads", "0002_handoff")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]

# Rollups of the funnel and speed-to-lead reports (derived data; rebuilt by
# `interlock leads rebuild-reports`). The histogram columns are d0..d29 and m0..m104.
from django.db import migrations, models

KEY = ["month", "from_stage", "to_stage", "source", "segment", "campaign_id", "owner_id"]


def _histogram(prefix: str, count: int) -> list:
    return [(f"{prefix}{i}", models.BigIntegerField(default=0)) for i in range(count)]


class Migration(migrations.Migration):
    dependencies = [("leads", "0005_capture")]

    operations = [
        migrations.CreateModel(
            name="ReportWatermark",
            fields=[
                ("name", models.CharField(max_length=20, primary_key=True, serialize=False)),
                ("last_id", models.BigIntegerField(default=0)),
                ("refreshed_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "report watermark",
                "verbose_name_plural": "report watermarks",
            },
        ),
        migrations.CreateModel(
            name="FunnelRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("grain", models.PositiveSmallIntegerField()),
                ("month", models.DateField()),
                ("from_stage", models.CharField(max_length=12)),
                ("to_stage", models.CharField(max_length=12)),
                ("source", models.CharField(max_length=12)),
                ("segment", models.CharField(max_length=10)),
                ("campaign_id", models.BigIntegerField()),
                ("owner_id", models.BigIntegerField()),
                ("count", models.BigIntegerField(default=0)),
                ("timed", models.BigIntegerField(default=0)),
                ("sum_seconds", models.BigIntegerField(default=0)),
                *_histogram("d", 30),
            ],
            options={
                "verbose_name": "funnel rollup",
                "verbose_name_plural": "funnel rollups",
                "constraints": [
                    models.UniqueConstraint(fields=["grain", *KEY], name="funnel_rollup_key")
                ],
            },
        ),
        migrations.CreateModel(
            name="SpeedRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField()),
                ("team_id", models.BigIntegerField()),
                ("assignee_id", models.BigIntegerField()),
                ("source", models.CharField(max_length=12)),
                ("outcome", models.CharField(max_length=10)),
                ("count", models.BigIntegerField(default=0)),
                ("sum_seconds", models.BigIntegerField(default=0)),
                ("within_1h", models.BigIntegerField(default=0)),
                ("within_4h", models.BigIntegerField(default=0)),
                ("within_8h", models.BigIntegerField(default=0)),
                ("within_24h", models.BigIntegerField(default=0)),
                *_histogram("m", 105),
            ],
            options={
                "verbose_name": "speed-to-lead rollup",
                "verbose_name_plural": "speed-to-lead rollups",
                "constraints": [
                    models.UniqueConstraint(
                        fields=["month", "team_id", "assignee_id", "source", "outcome"],
                        name="speed_rollup_key",
                    )
                ],
            },
        ),
    ]

# Placeholder of the reports part: its schema and data changes go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("leads", "0005_capture")]

    operations: list = []

# Placeholder of the scoring part: its schema and data changes go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("leads", "0002_handoff")]

    operations: list = []

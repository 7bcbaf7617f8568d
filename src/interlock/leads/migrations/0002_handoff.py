# Placeholder of the handoff part: its schema and data changes go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]

    operations: list = []

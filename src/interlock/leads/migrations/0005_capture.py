# Placeholder of the capture part: its schema and data changes go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("leads", "0004_routing")]

    operations: list = []

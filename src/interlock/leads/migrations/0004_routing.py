# Placeholder of the routing part: its schema and data changes go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("leads", "0003_scoring")]

    operations: list = []

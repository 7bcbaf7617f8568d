# Placeholder of the campaigns part: its schema and data changes go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations: list = []

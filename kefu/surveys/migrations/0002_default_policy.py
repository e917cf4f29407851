"""SPEC §15: return visits for every major and urgent complaint and 30 % of normal ones."""

from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("surveys", "ReturnVisitPolicy").objects.get_or_create(
        unit=None, category=None, defaults={"normal_share": 30, "working_days": 2})


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

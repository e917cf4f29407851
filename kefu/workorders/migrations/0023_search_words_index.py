from django.db import migrations

from kefu.search.backends import words_index_operation


def scope_index(apps, schema_editor):
    # Which units see a work order, as a GIN index PostgreSQL can intersect with the words'.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX workorders_workordertext_scope ON "
                              "workorders_workordertext USING gin (scope_units)")


def drop_scope_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX workorders_workordertext_scope")


class Migration(migrations.Migration):
    dependencies = [("workorders", "0022_search_scope_units")]

    operations = [
        words_index_operation("workorders_workordertext"),
        migrations.RunPython(scope_index, drop_scope_index),
    ]

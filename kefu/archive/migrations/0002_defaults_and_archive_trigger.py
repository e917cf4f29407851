"""The default retention (3 years, anonymise) and, on PostgreSQL, a trigger that refuses any
change to an archived work order unless the retention run has said it is the one acting."""

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION workorder_archived_is_final() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'archived'
       AND coalesce(current_setting('kefu.retention', true), '') <> 'on' THEN
        RAISE EXCEPTION 'archived work order % cannot be changed', OLD.number;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workorder_archived_is_final
    BEFORE UPDATE OR DELETE ON workorders_workorder
    FOR EACH ROW EXECUTE FUNCTION workorder_archived_is_final();
"""
DROP = """
DROP TRIGGER IF EXISTS workorder_archived_is_final ON workorders_workorder;
DROP FUNCTION IF EXISTS workorder_archived_is_final();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def seed(apps, schema_editor):
    apps.get_model("archive", "RetentionPolicy").objects.get_or_create(
        work_order_kind="", defaults={"years": 3, "action": "anonymise"})


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]

"""Leave 30 % of each clock page free on PostgreSQL. A clock row is rewritten two or three
times in its life (warned, breached or met, paused), never in an indexed column; with room on
its page PostgreSQL writes the new version there and touches none of the table's indexes
(a heap-only update). A work order's clocks sit side by side and often warn together: with
20 % free, a quarter of a sweep's updates still found no room. Pages written from now on get
the room; SQLite has no such setting."""

from django.db import migrations


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE sla_slaclock SET (fillfactor = 70)")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE sla_slaclock RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ("sla", "0007_incident_notice_clock"),
    ]

    operations = [migrations.RunPython(leave_room, fill_pages, elidable=False)]

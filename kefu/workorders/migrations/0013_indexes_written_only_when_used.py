"""Work order indexes that cost a write on every row but serve few of them: the number's
LIKE index (numbers are looked up whole) goes, and the department and merged-into indexes
keep only the rows that have one (see the models)."""

import django.db.models.deletion
from django.db import migrations, models

from kefu.db import add_indexes, drop_indexes

PARTIAL = [
    models.Index(condition=models.Q(("department__isnull", False)), fields=["department"],
                 name="wo_department"),
    models.Index(condition=models.Q(("merged_into__isnull", False)), fields=["merged_into"],
                 name="wo_merged_into"),
]


def name_number_unique(apps, schema_editor):
    """unique=True made a constraint under a generated name; give it the one in the model.
    SQLite keeps the uniqueness inside the table, with no name to change."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "workorders_workorder")
    for name, info in constraints.items():
        if info["unique"] and info["columns"] == ["number"] and name != "wo_number_unique":
            schema_editor.execute(f'ALTER TABLE workorders_workorder RENAME CONSTRAINT "{name}" '
                                  'TO wo_number_unique')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orgs", "0001_initial"),
        ("workorders", "0012_fk_indexes_led_by_composites"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                add_indexes("workorders.WorkOrder", *PARTIAL),
                drop_indexes("workorders_workorder_number_b58a5b8f_like",
                             "workorders_workorder_department_id_d3126821",
                             "workorders_workorder_merged_into_id_ee7b8da0"),
                migrations.RunPython(name_number_unique, migrations.RunPython.noop,
                                     elidable=False),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="workorder",
                    name="department",
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, to="orgs.department", verbose_name="责任部门"),
                ),
                migrations.AlterField(
                    model_name="workorder",
                    name="merged_into",
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="merged_from", to="workorders.workorder"),
                ),
                migrations.AlterField(
                    model_name="workorder",
                    name="number",
                    field=models.CharField(max_length=20, null=True, verbose_name="工单号"),
                ),
                *[migrations.AddIndex(model_name="workorder", index=index) for index in PARTIAL],
                migrations.AddConstraint(
                    model_name="workorder",
                    constraint=models.UniqueConstraint(fields=("number",), name="wo_number_unique"),
                ),
            ],
        ),
    ]

"""Drop foreign-key indexes that a composite index already leads (see the models)."""

import django.db.models.deletion
from django.db import migrations, models

from kefu.db import drop_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('sla', '0007_incident_notice_clock'),
        ('workorders', '0011_alter_timelineevent_event_type_workorderlink'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[drop_indexes(
                "sla_slaclock_work_order_id_7b6e341c",
            )],
            state_operations=[
                migrations.AlterField(
                    model_name='slaclock',
                    name='work_order',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='clocks', to='workorders.workorder'),
                ),
            ],
        ),
    ]

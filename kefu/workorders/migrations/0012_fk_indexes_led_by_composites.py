"""Drop foreign-key indexes that a composite index already leads (see the models)."""

import django.db.models.deletion
from django.db import migrations, models

from kefu.db import drop_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('customers', '0001_initial'),
        ('orgs', '0001_initial'),
        ('workorders', '0011_alter_timelineevent_event_type_workorderlink'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[drop_indexes(
                "workorders_timelineevent_work_order_id_e563239d",
                "workorders_workorder_category_id_f0962fd4",
                "workorders_workorder_customer_id_ead3153f",
                "workorders_workorder_handler_id_7ca57368",
                "workorders_workorder_owner_id_7da27c7a",
                "workorders_workorder_unit_id_479b0f27",
            )],
            state_operations=[
                migrations.AlterField(
                    model_name='timelineevent',
                    name='work_order',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='workorders.workorder'),
                ),
                migrations.AlterField(
                    model_name='workorder',
                    name='category',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, to='workorders.category', verbose_name='分类'),
                ),
                migrations.AlterField(
                    model_name='workorder',
                    name='customer',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='work_orders', to='customers.customer', verbose_name='客户'),
                ),
                migrations.AlterField(
                    model_name='workorder',
                    name='handler',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='handled_orders', to='orgs.staff', verbose_name='当前处理人'),
                ),
                migrations.AlterField(
                    model_name='workorder',
                    name='owner',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='owned_orders', to='orgs.staff', verbose_name='首问负责人'),
                ),
                migrations.AlterField(
                    model_name='workorder',
                    name='unit',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='work_orders', to='orgs.orgunit', verbose_name='责任单位'),
                ),
            ],
        ),
    ]

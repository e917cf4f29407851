"""Return visits become one task per closure, with the unit and the moment they were
scheduled (the response rate counts tasks by period and unit); exact sampling counts each
unit's month; a visit that finds the customer not satisfied proposes a reopen to the
supervisor instead of making it. Existing visits take their work order's unit and closure
time (their due date when the work order has none any more); the next migration makes both
required."""

import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    ReturnVisit = apps.get_model("surveys", "ReturnVisit")
    for visit in ReturnVisit.objects.select_related("work_order").iterator():
        wo = visit.work_order
        visit.unit_id = wo.unit_id
        visit.scheduled_at = wo.closed_at or visit.due_at
        visit.save(update_fields=["unit", "scheduled_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
        ('surveys', '0004_returnvisitpolicy_on_dissatisfied'),
        ('workorders', '0015_timeline_event_deadline_recomputed'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReopenProposal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(verbose_name='提请理由')),
                ('proposed_at', models.DateTimeField(verbose_name='提请时间')),
                ('proposed_by_name', models.CharField(blank=True, max_length=100)),
                ('status', models.CharField(choices=[('pending', '待主管决定'), ('accepted', '已同意重新处理'), ('declined', '不予重新处理'), ('lapsed', '已失效')], default='pending', max_length=10)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decided_by_name', models.CharField(blank=True, max_length=100)),
                ('decision_note', models.TextField(blank=True, verbose_name='决定说明')),
            ],
            options={
                'verbose_name': '重新处理提请',
                'verbose_name_plural': '重新处理提请',
            },
        ),
        migrations.CreateModel(
            name='SamplingDraw',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ordinal', models.PositiveIntegerField()),
                ('is_visited', models.BooleanField()),
                ('drawn_at', models.DateTimeField()),
            ],
            options={
                'verbose_name': '回访抽样记录',
                'verbose_name_plural': '回访抽样记录',
            },
        ),
        migrations.CreateModel(
            name='SamplingTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('category_key', models.PositiveIntegerField(default=0)),
                ('closed', models.PositiveIntegerField(default=0)),
                ('visited', models.PositiveIntegerField(default=0)),
            ],
            options={
                'verbose_name': '回访抽样计数',
                'verbose_name_plural': '回访抽样计数',
            },
        ),
        migrations.AddField(
            model_name='returnvisit',
            name='scheduled_at',
            field=models.DateTimeField(null=True, verbose_name='生成时间'),
        ),
        migrations.AddField(
            model_name='returnvisit',
            name='unit',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.orgunit', verbose_name='单位'),
        ),
        migrations.AlterField(
            model_name='returnvisit',
            name='status',
            field=models.CharField(choices=[('pending', '待回访'), ('done', '已回访'), ('unreachable', '联系不上'), ('cancelled', '已取消')], default='pending', max_length=12),
        ),
        migrations.AlterField(
            model_name='returnvisit',
            name='work_order',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='return_visits', to='workorders.workorder'),
        ),
        migrations.AlterField(
            model_name='returnvisitpolicy',
            name='on_dissatisfied',
            field=models.CharField(choices=[('reopen', '提请主管重新处理原工单'), ('appeal', '已解决但不满意的，转为申诉由上级处理')], default='reopen', max_length=8, verbose_name='客户不满意时'),
        ),
        migrations.AddIndex(
            model_name='returnvisit',
            index=models.Index(fields=['unit', 'scheduled_at'], name='visit_unit_scheduled'),
        ),
        migrations.AddField(
            model_name='reopenproposal',
            name='visit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposals', to='surveys.returnvisit'),
        ),
        migrations.AddField(
            model_name='reopenproposal',
            name='work_order',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reopen_proposals', to='workorders.workorder'),
        ),
        migrations.AddField(
            model_name='samplingdraw',
            name='work_order',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workorders.workorder'),
        ),
        migrations.AddField(
            model_name='samplingtally',
            name='unit',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.orgunit'),
        ),
        migrations.AddField(
            model_name='samplingdraw',
            name='tally',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='draws', to='surveys.samplingtally'),
        ),
        migrations.AddIndex(
            model_name='reopenproposal',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['proposed_at'], name='proposal_pending'),
        ),
        migrations.AddConstraint(
            model_name='reopenproposal',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('work_order',), name='one_pending_proposal'),
        ),
        migrations.AddConstraint(
            model_name='samplingtally',
            constraint=models.UniqueConstraint(fields=('unit', 'month', 'category_key'), name='tally_unit_month_pool'),
        ),
        migrations.AddConstraint(
            model_name='samplingdraw',
            constraint=models.UniqueConstraint(fields=('tally', 'work_order'), name='draw_once_per_tally'),
        ),
        # Last: on PostgreSQL an update leaves deferred checks that a later ALTER TABLE of the
        # same table in this transaction would refuse; the next migration makes them required.
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

import django.db.models.deletion
from django.db import migrations, models


def hours_to_working_days(apps, schema_editor):
    """An interval set in hours becomes the working days it spans, at least one."""
    entry = apps.get_model("escalation", "SupervisionEntry")
    for row in entry.objects.all().only("id", "report_every_hours").iterator():
        days = max(1, -(-row.report_every_hours // 24))
        entry.objects.filter(pk=row.pk).update(report_every_working_days=days)


class Migration(migrations.Migration):

    dependencies = [
        ('escalation', '0005_escalationrequest_applying_unit'),
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='supervisionentry',
            name='missed_reports',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='逾期未报次数'),
        ),
        migrations.AddField(
            model_name='supervisionentry',
            name='report_every_working_days',
            field=models.PositiveSmallIntegerField(default=2, verbose_name='进展报告间隔（工作日）'),
        ),
        migrations.AddField(
            model_name='supervisionentry',
            name='report_overdue_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='进展报告逾期'),
        ),
        migrations.AddField(
            model_name='supervisionentry',
            name='supervisor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='orgs.staff', verbose_name='督办人'),
        ),
        migrations.CreateModel(
            name='DutySupervisor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('staff', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.staff', verbose_name='值班主管')),
                ('unit', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.orgunit', verbose_name='单位')),
            ],
            options={
                'verbose_name': '值班主管',
                'verbose_name_plural': '值班主管',
            },
        ),
        migrations.RunPython(hours_to_working_days, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='supervisionentry',
            name='report_every_hours',
        ),
    ]

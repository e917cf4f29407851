"""Every return visit now has its unit and the moment it was scheduled (filled in by 0005)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
        ('surveys', '0005_return_visits_per_closure_and_reopen_proposals'),
    ]

    operations = [
        migrations.AlterField(
            model_name='returnvisit',
            name='scheduled_at',
            field=models.DateTimeField(verbose_name='生成时间'),
        ),
        migrations.AlterField(
            model_name='returnvisit',
            name='unit',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.orgunit', verbose_name='单位'),
        ),
    ]

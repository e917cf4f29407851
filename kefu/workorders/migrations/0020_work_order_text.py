
import django.db.models.deletion
from django.db import migrations, models

from kefu.search.backends import index_operation


class Migration(migrations.Migration):

    dependencies = [
        ('workorders', '0019_index_for_the_reopen_rate'),
    ]

    operations = [
        migrations.CreateModel(
            name='WorkOrderText',
            fields=[
                ('words', models.TextField()),
                ('chars', models.TextField()),
                ('work_order', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_text', serialize=False, to='workorders.workorder')),
            ],
            options={
                'abstract': False,
            },
        ),
        # Rows that exist already are indexed by `kefu reindex`, in batches.
        index_operation("workorders_workordertext", "work_order_id"),
    ]


from django.db import migrations, models

from kefu.search.backends import after_altering


class Migration(migrations.Migration):

    dependencies = [
        ('workorders', '0021_timeline_event_articles_cited'),
    ]

    operations = [
        migrations.AddField(
            model_name='workordertext',
            name='scope_units',
            field=models.JSONField(default=list),
        ),
        # SQLite copies the table to add a column, and its index triggers with it are lost.
        after_altering("workorders_workordertext", "work_order_id"),
    ]

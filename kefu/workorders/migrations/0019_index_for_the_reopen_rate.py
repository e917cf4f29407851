
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workorders', '0018_timeline_events_for_reopen_proposals'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='timelineevent',
            index=models.Index(condition=models.Q(('transition__in', ('reopen', 'close'))), fields=['at'], name='event_reopen_close_at'),
        ),
    ]

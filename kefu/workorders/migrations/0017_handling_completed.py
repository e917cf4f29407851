
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workorders', '0016_reopened_state'),
    ]

    operations = [
        migrations.AddField(
            model_name='workorder',
            name='handling_completed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]

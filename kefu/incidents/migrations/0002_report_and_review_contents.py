"""Further impact (001 §7.3) and lessons learned (§7.4). Incidents written before they were
asked for get them blank: the page and the API list the further impact as missing, and an open
incident does not close until its report is complete."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='incident',
            name='further_impact',
            field=models.TextField(blank=True, verbose_name='后续影响'),
        ),
        migrations.AddField(
            model_name='incident',
            name='lessons_learned',
            field=models.TextField(blank=True, verbose_name='经验教训'),
        ),
    ]

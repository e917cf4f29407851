from datetime import timedelta

from django.db import migrations, models

# What a token made before tokens expired is given: the default lifetime from its making.
DAYS = 90


def give_an_end(apps, schema_editor):
    token = apps.get_model("api", "ApiToken")
    for row in token.objects.filter(expires_at__isnull=True):
        row.expires_at = row.created_at + timedelta(days=DAYS)
        row.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        migrations.AddField("apitoken", "expires_at",
                            models.DateTimeField(null=True, verbose_name="到期时间")),
        migrations.RunPython(give_an_end, migrations.RunPython.noop),
        migrations.AlterField("apitoken", "expires_at",
                              models.DateTimeField(verbose_name="到期时间")),
    ]


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('console', '0002_saved_views'),
    ]

    operations = [
        migrations.CreateModel(
            name='SignInThrottle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=150, unique=True)),
                ('failures', models.PositiveIntegerField(default=0)),
                ('since', models.DateTimeField()),
            ],
        ),
        migrations.DeleteModel(
            name='LoginFailure',
        ),
    ]

import kefu.customers.crypto
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('notify', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='outboxmessage',
            name='sealed_body',
            field=kefu.customers.crypto.EncryptedTextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='sealed_secrets',
            field=kefu.customers.crypto.EncryptedTextField(blank=True, default=''),
        ),
    ]

import json
import re

from django.db import migrations

# As in kefu.notify.templates_text, which a migration does not import.
REDACTED = "******"
# The secrets that messages written before sealing carry in clear, by template.
SECRETS = {
    "login_code": re.compile(r"\d{6}"),
    "survey_invitation": re.compile(r"https?://\S*?/portal/survey/[^/\s]+/"),
}
BATCH = 1000


def redact_stored_secrets(apps, schema_editor):
    """Strike the secret from bodies stored before there was a sealed copy. A message still
    pending keeps what it must deliver, sealed; a finished one keeps only the redacted body.
    Rerunnable: a redacted body has nothing left to match."""
    message_model = apps.get_model("notify", "OutboxMessage")
    last = 0
    while True:
        batch = list(message_model.objects.filter(pk__gt=last, template__in=SECRETS)
                     .order_by("pk")[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        for message in batch:
            found = SECRETS[message.template].findall(message.body)
            if not found:
                continue
            redacted = message.body
            for secret in found:
                redacted = redacted.replace(secret, REDACTED)
            if message.status == "pending":
                message.sealed_body = message.body
                message.sealed_secrets = json.dumps(found)
            message.body = redacted
            message.save(update_fields=["body", "sealed_body", "sealed_secrets"])


class Migration(migrations.Migration):

    dependencies = [
        ("notify", "0002_outbox_sealed_body"),
    ]

    operations = [
        migrations.RunPython(redact_stored_secrets, migrations.RunPython.noop),
    ]

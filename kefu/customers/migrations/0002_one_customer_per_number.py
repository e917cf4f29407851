from typing import Any

from django.db import migrations, models
from django.db.models import Count


def refuse_shared_numbers(apps: Any, schema_editor: Any) -> None:
    """Customers that share a number are merged by an audited command, which a migration
    cannot be (it may not use the audit chain's code): ask for it instead of failing on the
    constraint."""
    Customer = apps.get_model("customers", "Customer")
    shared = (Customer.objects.using(schema_editor.connection.alias).values("phone_digest")
              .annotate(n=Count("id")).filter(n__gt=1).count())
    if shared:
        raise RuntimeError(
            f"{shared} mobile numbers belong to more than one customer. Merge them with "
            "`kefu customers merge-duplicates` (audited), then migrate again.")


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(refuse_shared_numbers, migrations.RunPython.noop),
        # The constraint's index serves the phone lookup; the plain index goes after it.
        migrations.AddConstraint(
            model_name='customer',
            constraint=models.UniqueConstraint(fields=('phone_digest',), name='customer_one_per_number'),
        ),
        migrations.AlterField(
            model_name='customer',
            name='phone_digest',
            field=models.CharField(editable=False, max_length=64),
        ),
    ]

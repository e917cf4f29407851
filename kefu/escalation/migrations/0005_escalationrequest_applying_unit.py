
import django.db.models.deletion
from django.db import migrations, models


def applicants_units(apps, schema_editor):
    """Requests made before the field: the applicant's unit, else the work order's."""
    request_model = apps.get_model("escalation", "EscalationRequest")
    for request in request_model.objects.filter(applying_unit__isnull=True).select_related(
            "requested_by_staff", "work_order").iterator():
        staff = request.requested_by_staff
        request.applying_unit_id = staff.unit_id if staff else request.work_order.unit_id
        request.save(update_fields=["applying_unit"])


class Migration(migrations.Migration):

    dependencies = [
        ('escalation', '0004_supervisionentry_closed_by_name_and_more'),
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='escalationrequest',
            name='applying_unit',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.orgunit', verbose_name='申请单位'),
        ),
        migrations.RunPython(applicants_units, migrations.RunPython.noop),
    ]

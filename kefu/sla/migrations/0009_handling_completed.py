
from django.db import migrations, models


# The clocks of SPEC §4 the first defaults left out, each with the section it comes from.
DEFAULTS = [
    ("reply_after_handling", "complaint", 2, "001 §4.2.1: 处理完成后 2 个工作日内答复客户"),
    ("reply_after_handling", "appeal", 2, "001 §4.2.1"),
    ("detailed_investigation", "appeal", 15, "001 §3.2.3: 15 个工作日内完成详细调查"),
]


def seed(apps, schema_editor):
    policy = apps.get_model("sla", "SlaPolicy")
    for clock, kind, amount, source in DEFAULTS:
        policy.objects.get_or_create(
            clock=clock, work_order_kind=kind, severity="", category=None, channel="",
            defaults={"amount": amount, "unit": "working_days", "source": source,
                      "warn_percent": 80})


def unseed(apps, schema_editor):
    policy = apps.get_model("sla", "SlaPolicy")
    for clock, kind, _, _ in DEFAULTS:
        policy.objects.filter(clock=clock, work_order_kind=kind, severity="", category=None,
                              channel="").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('sla', '0008_clock_pages_leave_room'),
    ]

    operations = [
        migrations.AlterField(
            model_name='slaclock',
            name='clock',
            field=models.CharField(choices=[('confirm', '确认受理'), ('start_handling', '开始处理'), ('initial_investigation', '初步调查'), ('first_reply', '首次答复'), ('detailed_investigation', '详细调查'), ('handling_complete', '处理完成'), ('reply_after_handling', '处理完成后答复'), ('closed_loop', '闭环'), ('archive', '归档'), ('request_assessment', '业务初评'), ('request_complete', '业务办结'), ('auto_close', '答复后自动结案'), ('incident_notice', '突发事件通报')], max_length=32),
        ),
        migrations.AlterField(
            model_name='slapolicy',
            name='clock',
            field=models.CharField(choices=[('confirm', '确认受理'), ('start_handling', '开始处理'), ('initial_investigation', '初步调查'), ('first_reply', '首次答复'), ('detailed_investigation', '详细调查'), ('handling_complete', '处理完成'), ('reply_after_handling', '处理完成后答复'), ('closed_loop', '闭环'), ('archive', '归档'), ('request_assessment', '业务初评'), ('request_complete', '业务办结'), ('auto_close', '答复后自动结案'), ('incident_notice', '突发事件通报')], max_length=32, verbose_name='时限'),
        ),
        migrations.RunPython(seed, unseed),
    ]

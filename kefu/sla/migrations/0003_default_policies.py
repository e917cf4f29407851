"""The default time limits of SPEC §4, each with the section it comes from."""

from django.db import migrations

# (clock, work order kind or "" for any, severity or "", amount, unit, source)
DEFAULTS = [
    ("confirm", "", "", 10, "minutes", "001 §4.2.1: 10 分钟内确认（001 §3.1.3 为 24 小时）"),
    ("archive", "", "", 3, "working_days", "001 §3.5.3: 处理完成后 3 个工作日内归档"),
    ("auto_close", "", "", 5, "working_days", "SPEC §15: 答复后 5 个工作日无回应自动结案"),
    ("start_handling", "complaint", "", 24, "hours", "001 §3.1.4, 000 §1.5: 24 小时内受理"),
    ("initial_investigation", "complaint", "", 24, "hours",
     "001 §4.2.1: 24 小时内初步调查（001 §3.1.4 为 48 小时）"),
    ("first_reply", "complaint", "", 7, "working_days", "001 §4.1: 7 个工作日内首次答复"),
    ("detailed_investigation", "complaint", "", 15, "working_days",
     "001 §3.2.3: 15 个工作日内完成详细调查"),
    ("handling_complete", "complaint", "", 15, "working_days",
     "001 §3.3.3: 15 个工作日内处理完成（000 §1.5 为 7，001 §4.1 为 20）"),
    ("closed_loop", "complaint", "", 30, "working_days", "001 §3.3.3: 30 个工作日内闭环"),
    ("start_handling", "appeal", "", 24, "hours", "003 ch.8 §4: 申诉按投诉时限"),
    ("first_reply", "appeal", "", 7, "working_days", "001 §4.1"),
    ("handling_complete", "appeal", "", 15, "working_days", "001 §3.3.3"),
    ("closed_loop", "appeal", "", 30, "working_days", "001 §3.3.3"),
    ("request_assessment", "service_request", "", 24, "hours",
     "001 §2.3: 24 小时内完成初步评估与分类"),
    ("request_complete", "service_request", "", 3, "working_days", "000 §2.2: 一般业务 3 个工作日"),
    ("request_complete", "service_request", "urgent", 1, "working_days",
     "000 §2.2: 紧急业务 1 个工作日"),
]


def seed(apps, schema_editor):
    Policy = apps.get_model("sla", "SlaPolicy")
    for clock, kind, severity, amount, unit, source in DEFAULTS:
        Policy.objects.get_or_create(
            clock=clock, work_order_kind=kind, severity=severity, category=None, channel="",
            defaults={"amount": amount, "unit": unit, "source": source,
                      # closing by itself needs no warning
                      "warn_percent": 100 if clock == "auto_close" else 80})


def unseed(apps, schema_editor):
    apps.get_model("sla", "SlaPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0002_policies_and_clocks")]

    operations = [migrations.RunPython(seed, unseed)]

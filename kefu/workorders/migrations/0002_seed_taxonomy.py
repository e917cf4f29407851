"""The default complaint taxonomy (001 §3.1.2 at the top, a telecom taxonomy below) and the
compensation approval thresholds of SPEC §15. Both are editable in the admin afterwards."""

from decimal import Decimal

from django.db import migrations

TAXONOMY = [
    ("Q", "服务质量", "Service quality", [
        ("Q01", "服务态度", "Staff attitude"),
        ("Q02", "服务效率", "Service efficiency"),
        ("Q03", "服务内容", "Service content"),
        ("Q04", "营业厅服务", "Store service"),
        ("Q05", "热线接通", "Hotline access"),
    ]),
    ("T", "服务技术", "Service technology", [
        ("T01", "网络信号覆盖", "Signal coverage"),
        ("T02", "通话质量与掉话", "Call quality and drops"),
        ("T03", "移动上网速率", "Mobile data speed"),
        ("T04", "宽带装机", "Broadband installation"),
        ("T05", "宽带故障报修", "Broadband fault repair"),
        ("T06", "终端设备", "Terminal equipment"),
        ("T07", "业务系统故障", "Business system fault"),
    ]),
    ("P", "服务政策", "Service policy", [
        ("P01", "计费与收费争议", "Billing and charge disputes"),
        ("P02", "增值业务与不知情定制", "Value-added services and unauthorised subscriptions"),
        ("P03", "套餐变更与退订", "Plan changes and cancellation"),
        ("P04", "营销承诺与优惠活动", "Marketing promises and promotions"),
        ("P05", "携号转网", "Number portability"),
        ("P06", "国际及港澳台漫游", "Roaming charges"),
    ]),
    ("F", "服务流程", "Service process", [
        ("F01", "投诉处理流程", "Complaint process"),
        ("F02", "响应与办理时限", "Response and handling time"),
        ("F03", "结果反馈", "Result feedback"),
        ("F04", "个人信息保护", "Personal data protection"),
        ("F05", "实名登记", "Real-name registration"),
        ("F06", "销户与过户", "Account closure and transfer"),
    ]),
]


def seed(apps, schema_editor):
    Category = apps.get_model("workorders", "Category")
    Rule = apps.get_model("workorders", "CompensationApprovalRule")
    for order, (code, name, name_en, children) in enumerate(TAXONOMY):
        parent, _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 100})
        for child_order, (child_code, child_name, child_en) in enumerate(children):
            Category.objects.get_or_create(code=child_code, defaults={
                "name": child_name, "name_en": child_en, "parent": parent,
                "sort_order": order * 100 + child_order + 1})
    Rule.objects.get_or_create(approver_role="supervisor",
                               defaults={"amount_above": Decimal("100")})
    Rule.objects.get_or_create(approver_role="manager", defaults={"amount_above": Decimal("1000")})


def unseed(apps, schema_editor):
    Category = apps.get_model("workorders", "Category")
    codes = [code for code, *_ in TAXONOMY]
    Category.objects.exclude(parent=None).filter(parent__code__in=codes).delete()
    Category.objects.filter(code__in=codes).delete()
    apps.get_model("workorders", "CompensationApprovalRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workorders", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

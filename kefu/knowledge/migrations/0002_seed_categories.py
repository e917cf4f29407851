from django.db import migrations

# The knowledge tree a telecom service desk starts from; the operator adds its own.
CATEGORIES = [
    ("K01", "资费套餐", "Plans and tariffs", None),
    ("K0101", "套餐变更", "Changing plans", "K01"),
    ("K0102", "流量与话费", "Data and charges", "K01"),
    ("K02", "业务办理", "Services", None),
    ("K0201", "携号转网", "Number portability", "K02"),
    ("K0202", "停复机与销户", "Suspension and closing", "K02"),
    ("K0203", "实名制", "Real-name registration", "K02"),
    ("K03", "故障处理", "Faults", None),
    ("K0301", "宽带报修", "Broadband repair", "K03"),
    ("K0302", "手机信号", "Mobile signal", "K03"),
    ("K04", "账单缴费", "Bills and payment", None),
    ("K05", "国际漫游", "International roaming", None),
    ("K06", "个人信息保护", "Personal data", None),
]


def seed(apps, schema_editor):
    category = apps.get_model("knowledge", "ArticleCategory")
    made = {}
    for order, (code, name, name_en, parent) in enumerate(CATEGORIES):
        made[code], _ = category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "parent": made.get(parent),
                                 "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

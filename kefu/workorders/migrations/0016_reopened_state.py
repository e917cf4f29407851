
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workorders', '0015_timeline_event_deadline_recomputed'),
    ]

    operations = [
        migrations.AlterField(
            model_name='workorder',
            name='status',
            field=models.CharField(choices=[('received', '已受理'), ('classified', '已分类'), ('investigating', '调查核实'), ('processing', '处理中'), ('pending_customer', '待客户补充'), ('reopened', '已重开'), ('replied', '已答复'), ('closed', '已结案'), ('archived', '已归档'), ('rejected', '不予受理'), ('withdrawn', '已撤诉'), ('merged', '已合并')], default='received', max_length=16, verbose_name='状态'),
        ),
    ]

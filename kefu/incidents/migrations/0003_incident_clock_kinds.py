
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0002_report_and_review_contents'),
    ]

    operations = [
        migrations.AlterField(
            model_name='incidentclock',
            name='clock',
            field=models.CharField(choices=[('confirm', '确认受理'), ('start_handling', '开始处理'), ('initial_investigation', '初步调查'), ('first_reply', '首次答复'), ('detailed_investigation', '详细调查'), ('handling_complete', '处理完成'), ('reply_after_handling', '处理完成后答复'), ('closed_loop', '闭环'), ('archive', '归档'), ('request_assessment', '业务初评'), ('request_complete', '业务办结'), ('auto_close', '答复后自动结案'), ('incident_notice', '突发事件通报')], max_length=32),
        ),
    ]


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workorders', '0020_work_order_text'),
    ]

    operations = [
        migrations.AlterField(
            model_name='timelineevent',
            name='event_type',
            field=models.CharField(choices=[('created', '受理'), ('transitioned', '状态变更'), ('assigned', '分派'), ('note_added', '备注'), ('attachment_added', '上传附件'), ('plan_added', '处理方案'), ('plan_approved', '方案审批通过'), ('plan_rejected', '方案被驳回'), ('escalated', '升级'), ('merged_in', '并入工单'), ('contact_revealed', '查看联系方式'), ('sla_warned', '时限预警'), ('sla_breached', '超时升级'), ('escalation_requested', '申请升级'), ('escalation_approved', '升级申请批准'), ('escalation_rejected', '升级申请驳回'), ('subtask_assigned', '协办分派'), ('subtask_done', '协办完成'), ('subtask_overdue', '协办超时'), ('co_handling_done', '协办全部完成'), ('supervision_opened', '督办'), ('supervision_reported', '督办进展报告'), ('supervision_closed', '督办结束'), ('linked', '关联工单'), ('split', '拆分'), ('extension_requested', '申请延期'), ('deadline_extended', '时限延长'), ('extension_rejected', '延期申请驳回'), ('deadline_recomputed', '时限按日历重算'), ('reopen_proposed', '回访提请重新处理'), ('reopen_accepted', '主管同意重新处理'), ('reopen_declined', '主管不同意重新处理'), ('articles_cited', '引用知识')], max_length=24),
        ),
    ]

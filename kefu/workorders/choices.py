from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkOrderKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    SERVICE_REQUEST = "service_request", _("业务办理")
    APPOINTMENT = "appointment", _("预约")
    FAULT = "fault", _("故障报修")
    COMPLAINT = "complaint", _("投诉")
    APPEAL = "appeal", _("申诉")


NUMBER_PREFIX: dict[str, str] = {
    WorkOrderKind.CONSULTATION: "ZX",
    WorkOrderKind.SERVICE_REQUEST: "YW",
    WorkOrderKind.APPOINTMENT: "YY",
    WorkOrderKind.FAULT: "GZ",
    WorkOrderKind.COMPLAINT: "TS",
    WorkOrderKind.APPEAL: "SS",
}


class WorkOrderStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    CLASSIFIED = "classified", _("已分类")
    INVESTIGATING = "investigating", _("调查核实")
    PROCESSING = "processing", _("处理中")
    PENDING_CUSTOMER = "pending_customer", _("待客户补充")
    # The customer was not satisfied: reopened and counted, until handling resumes (SPEC §3).
    REOPENED = "reopened", _("已重开")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已结案")
    ARCHIVED = "archived", _("已归档")
    REJECTED = "rejected", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤诉")
    MERGED = "merged", _("已合并")


OPEN_STATUSES = frozenset({
    WorkOrderStatus.RECEIVED, WorkOrderStatus.CLASSIFIED, WorkOrderStatus.INVESTIGATING,
    WorkOrderStatus.PROCESSING, WorkOrderStatus.PENDING_CUSTOMER, WorkOrderStatus.REPLIED,
    WorkOrderStatus.REOPENED,
})


class Channel(models.TextChoices):
    PHONE = "phone", _("电话/呼叫中心")
    WEB = "web", _("网站")
    APP = "app", _("手机营业厅APP")
    WECHAT = "wechat", _("微信")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")
    STORE = "store", _("营业厅")
    SOCIAL = "social", _("社交媒体")
    ACCOUNT_MANAGER = "account_manager", _("客户经理")
    REGULATOR = "regulator", _("监管转办")


class Severity(models.TextChoices):
    NORMAL = "normal", _("普通")
    MAJOR = "major", _("重大")
    URGENT = "urgent", _("紧急")


class ResponsibleParty(models.TextChoices):
    CUSTOMER = "customer", _("客户原因")
    COMPANY = "company", _("企业原因")
    THIRD_PARTY = "third_party", _("第三方原因")


class InvestigationMethod(models.TextChoices):
    ON_SITE = "on_site", _("现场调查")
    SYSTEM_DATA = "system_data", _("系统数据查询")
    INTERVIEW = "interview", _("用户访谈")
    THIRD_PARTY_TEST = "third_party_test", _("第三方检测")


class PlanType(models.TextChoices):
    COMPENSATION = "compensation", _("补偿")
    REPAIR = "repair", _("维修整改")
    RESCHEDULE = "reschedule", _("重新预约")
    EXPLANATION = "explanation", _("书面解释")


class CompensationType(models.TextChoices):
    CREDIT = "credit", _("话费赠送")
    REFUND = "refund", _("退费")
    FREE_SERVICE = "free_service", _("免费服务")
    DISCOUNT = "discount", _("资费折扣")


class ApprovalStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("无需审批")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class RejectReason(models.TextChoices):
    DUPLICATE = "duplicate", _("重复投诉")
    INVALID = "invalid", _("无效诉求")
    OUT_OF_SCOPE = "out_of_scope", _("不属于受理范围")


class EventType(models.TextChoices):
    CREATED = "created", _("受理")
    TRANSITIONED = "transitioned", _("状态变更")
    ASSIGNED = "assigned", _("分派")
    NOTE_ADDED = "note_added", _("备注")
    ATTACHMENT_ADDED = "attachment_added", _("上传附件")
    PLAN_ADDED = "plan_added", _("处理方案")
    PLAN_APPROVED = "plan_approved", _("方案审批通过")
    PLAN_REJECTED = "plan_rejected", _("方案被驳回")
    ESCALATED = "escalated", _("升级")
    MERGED_IN = "merged_in", _("并入工单")
    CONTACT_REVEALED = "contact_revealed", _("查看联系方式")
    SLA_WARNED = "sla_warned", _("时限预警")
    SLA_BREACHED = "sla_breached", _("超时升级")
    ESCALATION_REQUESTED = "escalation_requested", _("申请升级")
    ESCALATION_APPROVED = "escalation_approved", _("升级申请批准")
    ESCALATION_REJECTED = "escalation_rejected", _("升级申请驳回")
    SUBTASK_ASSIGNED = "subtask_assigned", _("协办分派")
    SUBTASK_DONE = "subtask_done", _("协办完成")
    SUBTASK_OVERDUE = "subtask_overdue", _("协办超时")
    CO_HANDLING_DONE = "co_handling_done", _("协办全部完成")
    SUPERVISION_OPENED = "supervision_opened", _("督办")
    SUPERVISION_REPORTED = "supervision_reported", _("督办进展报告")
    SUPERVISION_CLOSED = "supervision_closed", _("督办结束")
    LINKED = "linked", _("关联工单")
    SPLIT = "split", _("拆分")
    DEADLINE_EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    DEADLINE_EXTENDED = "deadline_extended", _("时限延长")
    DEADLINE_EXTENSION_REJECTED = "extension_rejected", _("延期申请驳回")
    DEADLINE_RECOMPUTED = "deadline_recomputed", _("时限按日历重算")
    REOPEN_PROPOSED = "reopen_proposed", _("回访提请重新处理")
    REOPEN_PROPOSAL_ACCEPTED = "reopen_accepted", _("主管同意重新处理")
    REOPEN_PROPOSAL_DECLINED = "reopen_declined", _("主管不同意重新处理")
    ARTICLES_CITED = "articles_cited", _("引用知识")

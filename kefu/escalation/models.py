from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupervisionReason(models.TextChoices):
    SLA_BREACH = "sla_breach", _("超时")
    MAJOR_SEVERITY = "major_severity", _("重大/紧急投诉")
    MANUAL = "manual", _("人工督办")


class Evaluation(models.TextChoices):
    GOOD = "good", _("良好")
    ACCEPTABLE = "acceptable", _("合格")
    POOR = "poor", _("不合格")


# SPEC §15: progress reports every 2 working days unless the supervisor sets another interval.
REPORT_EVERY_WORKING_DAYS = 2


class DutySupervisor(models.Model):
    """Who of a unit supervises what the unit takes over (a breach from below, a serious
    complaint of a unit below): a configured person, not a role."""

    unit = models.OneToOneField("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("单位"))
    staff = models.ForeignKey("orgs.Staff", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("值班主管"))

    class Meta:
        verbose_name = _("值班主管")
        verbose_name_plural = _("值班主管")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.staff_id}"


class SupervisionEntry(models.Model):
    """A line of the supervision ledger (督办台账, 001 §3.4.4): the superior unit follows a
    work order until it is done, with progress reports at set intervals, overdue marks and
    reminders, and an evaluation when the entry is closed."""

    work_order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE,
                                   related_name="supervision")
    supervising_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT,
                                         related_name="supervised", verbose_name=_("督办单位"))
    reason = models.CharField(_("督办原因"), max_length=16, choices=SupervisionReason.choices)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("督办期限"))
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    # A person of the supervising unit, never "system" (SPEC §15): its duty supervisor.
    supervisor = models.ForeignKey("orgs.Staff", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("督办人"))
    supervisor_name = models.CharField(_("督办人"), max_length=100, blank=True)
    report_every_working_days = models.PositiveSmallIntegerField(
        _("进展报告间隔（工作日）"), default=REPORT_EVERY_WORKING_DAYS)
    # 24:00 of the working day the next progress report is due.
    next_report_due_at = models.DateTimeField(_("下次报告期限"), null=True, blank=True)
    # Set when a report falls due unwritten; cleared by the next report.
    report_overdue_at = models.DateTimeField(_("进展报告逾期"), null=True, blank=True)
    missed_reports = models.PositiveSmallIntegerField(_("逾期未报次数"), default=0)
    # Set by the sweep when the due date passes with the entry still open.
    overdue_at = models.DateTimeField(_("逾期时间"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    evaluation = models.CharField(_("督办评价"), max_length=12, choices=Evaluation.choices,
                                  blank=True)
    evaluation_note = models.TextField(_("评价说明"), blank=True)
    closed_by_name = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办台账")
        constraints = [
            # one open entry per work order and reason: a second breach adds nothing
            models.UniqueConstraint(fields=["work_order", "reason"],
                                    condition=models.Q(closed_at__isnull=True),
                                    name="one_open_supervision_per_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.reason}"


class SupervisionReport(models.Model):
    """A progress report on a supervised work order, due at the entry's interval."""

    entry = models.ForeignKey(SupervisionEntry, on_delete=models.CASCADE,
                              related_name="reports")
    at = models.DateTimeField()
    progress = models.TextField(_("进展情况"))
    by_name = models.CharField(max_length=100)
    by_user_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("督办进展报告")
        verbose_name_plural = _("督办进展报告")

    def __str__(self) -> str:
        return f"report {self.entry_id} {self.at:%Y-%m-%d %H:%M}"


class AppealSource(models.TextChoices):
    CUSTOMER = "customer", _("客户申诉")
    REGULATOR = "regulator", _("监管部门转办")


class Regulator(models.TextChoices):
    MIIT = "miit", _("工业和信息化部")
    CA = "ca", _("省通信管理局")


class Appeal(models.Model):
    """An appeal (申诉): its own work order, handled one tier above the closed complaint it is
    about; when a regulator forwards it, their case number, received date and deadline."""

    # The customer's own words (kefu.retention).
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("reason",)

    work_order = models.OneToOneField("workorders.WorkOrder", on_delete=models.CASCADE,
                                      related_name="appeal")
    # Null once retention has purged the original; its number stays.
    original = models.ForeignKey("workorders.WorkOrder", on_delete=models.SET_NULL, null=True,
                                 related_name="appeals", verbose_name=_("原工单"))
    original_number = models.CharField(_("原工单号"), max_length=20)
    source = models.CharField(_("来源"), max_length=12, choices=AppealSource.choices)
    regulator = models.CharField(_("监管部门"), max_length=8, choices=Regulator.choices,
                                 blank=True)
    external_number = models.CharField(_("监管编号"), max_length=32, blank=True)
    external_received_at = models.DateTimeField(_("转办日期"), null=True, blank=True)
    external_deadline = models.DateTimeField(_("监管期限"), null=True, blank=True)
    reason = models.TextField(_("申诉理由"))
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        constraints = [
            # A regulator's case is taken in once, however often it is forwarded.
            models.UniqueConstraint(fields=["regulator", "external_number"],
                                    condition=~models.Q(external_number=""),
                                    name="appeal_unique_external_number"),
        ]

    def __str__(self) -> str:
        return f"appeal of {self.original_id}"


class EscalationCondition(models.TextChoices):
    """When a work order may be escalated (001 §3.4.1)."""

    MAJOR_FAILURE = "major_failure", _("重大服务故障")
    POLICY_CHANGE = "policy_change", _("重大政策或资费调整")
    MULTI_DEPARTMENT = "multi_department", _("需多个部门协同处理")
    SLA_BREACH = "sla_breach", _("处理超时")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class EscalationRequest(models.Model):
    """An application to escalate (升级申请, 001 §3.4.2): the condition, the reason, the tier
    asked for and the departments to co-handle; approved or rejected by a superior."""

    work_order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE,
                                   related_name="escalation_requests")
    condition = models.CharField(_("升级条件"), max_length=20,
                                 choices=EscalationCondition.choices)
    reason = models.TextField(_("申请理由"))
    target_tier = models.PositiveSmallIntegerField(_("申请响应级别"), null=True, blank=True)
    departments = models.ManyToManyField("orgs.Department", blank=True, related_name="+",
                                         verbose_name=_("协办部门"))
    working_days = models.PositiveSmallIntegerField(_("协办时限（工作日）"), default=3)
    status = models.CharField(_("状态"), max_length=8, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING)
    requested_at = models.DateTimeField()
    requested_by_name = models.CharField(max_length=100)
    requested_by_user_id = models.BigIntegerField(null=True)
    # The unit that applied: its superior decides, never the unit itself (001 §3.4.3).
    applying_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, null=True,
                                      related_name="+", verbose_name=_("申请单位"))
    requested_by_staff = models.ForeignKey("orgs.Staff", on_delete=models.SET_NULL, null=True,
                                           related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_name = models.CharField(max_length=100, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("升级申请")
        verbose_name_plural = _("升级申请")
        constraints = [
            models.UniqueConstraint(fields=["work_order"],
                                    condition=models.Q(status="pending"),
                                    name="one_pending_escalation_request"),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.condition} {self.status}"


class SubtaskStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    DONE = "done", _("已完成")


class CoHandlingTask(models.Model):
    """One department's part of a co-handled work order (协同处理): its own handler, deadline
    and result. The work order waits for all of them before it is answered."""

    work_order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE,
                                   related_name="subtasks")
    request = models.ForeignKey(EscalationRequest, on_delete=models.CASCADE,
                                related_name="subtasks")
    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT,
                                   related_name="subtasks", verbose_name=_("协办部门"))
    handler = models.ForeignKey("orgs.Staff", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="subtasks", verbose_name=_("协办人"))
    status = models.CharField(_("状态"), max_length=8, choices=SubtaskStatus.choices,
                              default=SubtaskStatus.OPEN)
    due_at = models.DateTimeField(_("协办期限"))
    breached_at = models.DateTimeField(_("超时时间"), null=True, blank=True)
    result = models.TextField(_("协办结果"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("协办任务")
        verbose_name_plural = _("协办任务")
        indexes = [
            # the sweeper: open sub-tasks past their deadline not yet marked
            models.Index(fields=["due_at"], name="subtask_open_due",
                         condition=models.Q(status="open", breached_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.department_id} {self.status}"

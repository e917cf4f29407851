from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupervisionReason(models.TextChoices):
    SLA_BREACH = "sla_breach", _("超时")
    MAJOR_SEVERITY = "major_severity", _("重大/紧急投诉")
    MANUAL = "manual", _("人工督办")


class SupervisionEntry(models.Model):
    """A line of the supervision ledger (督办台账, 001 §3.4.4): the superior unit follows a
    work order until it is done. Reports, reminders and evaluation come with escalation."""

    work_order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE,
                                   related_name="supervision")
    supervising_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT,
                                         related_name="supervised", verbose_name=_("督办单位"))
    reason = models.CharField(_("督办原因"), max_length=16, choices=SupervisionReason.choices)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("督办期限"))
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

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


class AppealSource(models.TextChoices):
    CUSTOMER = "customer", _("客户申诉")
    REGULATOR = "regulator", _("监管部门转办")


class Regulator(models.TextChoices):
    MIIT = "miit", _("工业和信息化部")
    CA = "ca", _("省通信管理局")


class Appeal(models.Model):
    """An appeal (申诉): its own work order, handled one tier above the closed complaint it is
    about; when a regulator forwards it, their case number, received date and deadline."""

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

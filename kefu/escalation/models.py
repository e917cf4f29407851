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

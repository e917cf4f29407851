from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MINIMUM_YEARS = 3  # 001 §4.4.2 and §2.5: records are kept at least three years


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", _("匿名化（保留统计数据）")
    PURGE = "purge", _("删除")


class RetentionPolicy(models.Model):
    """How long archived records of one kind are kept, counted from the archive date, and
    what happens after. A blank kind is the default for every kind without its own."""

    work_order_kind = models.CharField(_("工单类型"), max_length=16, blank=True, unique=True)
    years = models.PositiveSmallIntegerField(
        _("保存年限"), default=MINIMUM_YEARS,
        validators=[MinValueValidator(MINIMUM_YEARS, _("保存期限不得少于3年"))])
    action = models.CharField(_("到期处理"), max_length=12, choices=RetentionAction.choices,
                              default=RetentionAction.ANONYMISE)

    class Meta:
        verbose_name = _("保存期限")
        verbose_name_plural = _("保存期限")

    def __str__(self) -> str:
        return f"{self.work_order_kind or '*'}: {self.years}y {self.action}"


class LegalHold(models.Model):
    """A work order kept past its retention because of a dispute, a lawsuit or an inquiry."""

    work_order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE,
                                   related_name="legal_holds")
    reason = models.TextField(_("原因"))
    set_by_name = models.CharField(max_length=100)
    set_at = models.DateTimeField()
    lifted_by_name = models.CharField(max_length=100, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("法律保全")
        verbose_name_plural = _("法律保全")
        constraints = [
            models.UniqueConstraint(fields=["work_order"], condition=models.Q(
                lifted_at__isnull=True), name="one_active_hold_per_work_order"),
        ]

    def __str__(self) -> str:
        return f"hold {self.work_order_id}"

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.sla.choices import ClockKind, ClockState, ClockUnit


class CalendarOverride(models.Model):
    """An administrator's correction of the official schedule for one date: a holiday or a
    working day, with the notice it comes from (e.g. 国办发明电〔2026〕x号)."""

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=50, blank=True)
    notice = models.CharField(_("依据文件"), max_length=200)
    created_by_name = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("日历调整")
        verbose_name_plural = _("日历调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'班' if self.is_workday else '休'}"


class PublishedSchedule(models.Model):
    """A year whose official schedule was loaded (国务院办公厅关于某年部分节假日安排的通知):
    its dates are overrides, and its other days follow the plain week, no longer the
    provisional fallback."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    notice = models.CharField(_("依据文件"), max_length=200)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("官方放假安排")
        verbose_name_plural = _("官方放假安排")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class SlaPolicy(models.Model):
    """How long one clock may run for the work orders it matches. A blank criterion matches
    anything; among the active policies that match, the one with most criteria wins."""

    clock = models.CharField(_("时限"), max_length=32, choices=ClockKind.choices)
    work_order_kind = models.CharField(_("工单类型"), max_length=16, blank=True)
    category = models.ForeignKey("workorders.Category", on_delete=models.PROTECT, null=True,
                                 blank=True, verbose_name=_("分类"))
    severity = models.CharField(_("严重程度"), max_length=8, blank=True)
    channel = models.CharField(_("渠道"), max_length=16, blank=True)
    amount = models.PositiveIntegerField(_("时长"))
    unit = models.CharField(_("单位"), max_length=16, choices=ClockUnit.choices)
    warn_percent = models.PositiveSmallIntegerField(_("预警比例（%）"), default=80)
    source = models.CharField(_("依据"), max_length=200)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["clock", "work_order_kind", "severity"]

    def __str__(self) -> str:
        return f"{self.get_clock_display()} {self.amount} {self.get_unit_display()}"

    @property
    def specificity(self) -> int:
        return sum(bool(v) for v in (self.work_order_kind, self.category_id, self.severity,
                                      self.channel))


class SlaClock(models.Model):
    """One time limit running on one work order.

    Its table leaves 30 % of each page free on PostgreSQL (migration 0008): the sweep and
    the lifecycle rewrite clock rows, never an indexed column, so with room on the page the
    new row version needs no index writes. Keep the columns they change out of indexes."""

    # Keeps its own index beside one_clock_per_kind: the narrower index is the one PostgreSQL
    # picks for the sweep's "clocks of these 1,000 work orders" (a sequential scan otherwise).
    work_order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE,
                                   related_name="clocks")
    clock = models.CharField(max_length=32, choices=ClockKind.choices)
    policy = models.ForeignKey(SlaPolicy, on_delete=models.PROTECT, related_name="clocks")
    state = models.CharField(max_length=8, choices=ClockState.choices, default=ClockState.RUNNING)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    warn_at = models.DateTimeField()
    is_provisional = models.BooleanField(default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    # Clock time spent waiting for the customer, already added to the deadline; kept so a
    # calendar change can recompute the deadline from the start without losing the pauses.
    paused_seconds = models.BigIntegerField(default=0)
    warned_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("时限")
        verbose_name_plural = _("时限")
        constraints = [
            models.UniqueConstraint(fields=["work_order", "clock"], name="one_clock_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.clock} {self.state} → {self.deadline:%Y-%m-%d %H:%M}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class DeadlineExtension(models.Model):
    """An extension of one clock of a major complaint (001 §4.1): approved by management,
    once per clock, and explained to the customer."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="extensions")
    working_days = models.PositiveSmallIntegerField(_("延长工作日"))
    reason = models.TextField(_("延期原因"))
    status = models.CharField(max_length=8, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    requested_by_name = models.CharField(max_length=100)
    requested_by_user_id = models.BigIntegerField(null=True)
    requested_at = models.DateTimeField()
    decided_by_name = models.CharField(max_length=100, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("时限延期")
        verbose_name_plural = _("时限延期")
        constraints = [
            # once per clock: a second request while one is pending or granted is refused
            models.UniqueConstraint(fields=["clock"],
                                    condition=~models.Q(status="rejected"),
                                    name="one_extension_per_clock"),
        ]

    def __str__(self) -> str:
        return f"{self.clock_id} +{self.working_days}"

"""Incidents and emergencies (突发事件, 001 ch.7): the report, its notice clock, the notices
issued and the incident's own timeline."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.sla.choices import ClockKind, ClockState


class IncidentKind(models.TextChoices):
    NETWORK_FAILURE = "network_failure", _("网络故障")
    SERVICE_OUTAGE = "service_outage", _("业务中断")
    COMPLAINT_SURGE = "complaint_surge", _("投诉激增")
    DATA_BREACH = "data_breach", _("数据泄露")


class IncidentLevel(models.IntegerChoices):
    """Response levels of 001 §7.2: level 1 is handled by head office, level 3 locally."""

    ONE = 1, _("一级（特别重大）")
    TWO = 2, _("二级（重大）")
    THREE = 3, _("三级（一般）")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("处置中")
    RECOVERED = "recovered", _("已恢复")
    CLOSED = "closed", _("已结束")


class NoticeAudience(models.TextChoices):
    SUPERIOR = "superior", _("上级单位")
    REGULATOR = "regulator", _("通信管理局")
    CUSTOMERS = "customers", _("受影响客户")


class NoticeChannel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("邮件")
    WEB = "web", _("网站/APP公告")
    SOCIAL = "social", _("社交媒体")
    PHONE = "phone", _("电话")
    DOCUMENT = "document", _("书面报告")


class IncidentEventType(models.TextChoices):
    REPORTED = "reported", _("事件上报")
    UPDATED = "updated", _("更新事件信息")
    NOTICE_ISSUED = "notice_issued", _("发布通报")
    NOTICE_WARNED = "notice_warned", _("通报时限预警")
    NOTICE_BREACHED = "notice_breached", _("通报超时")
    RECOVERED = "recovered", _("业务恢复")
    CLOSED = "closed", _("事件总结结束")


class Incident(models.Model):
    """An incident the operator handles, as the operator reports it: places, causes,
    measures and how many customers it affects; which of them each step needs is in
    `kefu.incidents.contents`. It is written about the event, not about any one customer, and
    belongs to no work order, so it marks no personal fields and retention does not reach it;
    nor do its notices, which are addressed to the public, the superior unit or the
    regulator."""

    number = models.CharField(_("事件编号"), max_length=20, unique=True)
    title = models.CharField(_("事件名称"), max_length=200)
    kind = models.CharField(_("事件类型"), max_length=16, choices=IncidentKind.choices)
    level = models.PositiveSmallIntegerField(_("事件级别"), choices=IncidentLevel.choices)
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="incidents",
                             verbose_name=_("责任单位"))
    place = models.CharField(_("发生地点"), max_length=200)
    occurred_at = models.DateTimeField(_("发生时间"))
    detected_at = models.DateTimeField(_("发现时间"))
    affected_customers = models.PositiveIntegerField(_("影响客户数"), null=True, blank=True)
    affected_scope = models.CharField(_("影响范围"), max_length=500, blank=True)
    initial_cause = models.TextField(_("初步原因"), blank=True)
    measures = models.TextField(_("已采取措施"), blank=True)
    expected_recovery_at = models.DateTimeField(_("预计恢复时间"), null=True, blank=True)
    further_impact = models.TextField(_("后续影响"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=IncidentStatus.choices,
                              default=IncidentStatus.OPEN)
    is_drill = models.BooleanField(_("演练"), default=False)
    reported_by_name = models.CharField(max_length=100)
    reported_by_user_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField()
    first_notice_at = models.DateTimeField(null=True, blank=True)
    recovered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    root_cause = models.TextField(_("根本原因"), blank=True)
    corrective_actions = models.TextField(_("整改措施"), blank=True)
    compensation_summary = models.TextField(_("补偿情况"), blank=True)
    lessons_learned = models.TextField(_("经验教训"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")
        indexes = [models.Index(fields=["unit", "-detected_at"], name="incident_unit_detected")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_major(self) -> bool:
        """Levels 1 and 2 are notified within the major deadline (001 §7.3)."""
        return self.level <= IncidentLevel.TWO


class IncidentClock(models.Model):
    """A time limit on an incident, counted like a work order's (`kefu.sla.clocks`)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="clocks")
    clock = models.CharField(max_length=32, choices=ClockKind.choices)
    policy = models.ForeignKey("sla.SlaPolicy", on_delete=models.PROTECT,
                               related_name="incident_clocks")
    state = models.CharField(max_length=8, choices=ClockState.choices, default=ClockState.RUNNING)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    warn_at = models.DateTimeField()
    is_provisional = models.BooleanField(default=False)
    warned_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    # The earliest unsent warning or deadline while running, as on work orders: the sweeper
    # reads only what is due.
    next_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("事件时限")
        verbose_name_plural = _("事件时限")
        constraints = [models.UniqueConstraint(fields=["incident", "clock"],
                                               name="one_incident_clock_per_kind")]
        indexes = [models.Index(fields=["next_due_at"], name="incident_clock_due",
                                condition=models.Q(next_due_at__isnull=False))]

    def __str__(self) -> str:
        return f"{self.clock} {self.state} → {self.deadline:%Y-%m-%d %H:%M}"


class IncidentNotice(models.Model):
    """A notice (通报) issued about the incident; the first one meets the notice clock, later
    ones are the regular updates."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    audience = models.CharField(_("通报对象"), max_length=10, choices=NoticeAudience.choices)
    channels = models.JSONField(_("通报渠道"), default=list)
    text = models.TextField(_("通报内容"))
    is_update = models.BooleanField(default=False)
    at = models.DateTimeField()
    by_name = models.CharField(max_length=100)
    by_user_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("事件通报")
        verbose_name_plural = _("事件通报")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.audience} {self.at:%Y-%m-%d %H:%M}"


class IncidentEvent(models.Model):
    """One step in the incident's life, append-only like a work order's timeline."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    event_type = models.CharField(max_length=24, choices=IncidentEventType.choices)
    actor_name = models.CharField(max_length=100)
    actor_role = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.event_type}"

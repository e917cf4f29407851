from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class OnDissatisfied(models.TextChoices):
    REOPEN = "reopen", _("重新处理原工单")
    APPEAL = "appeal", _("转为申诉，由上级处理")


class ReturnVisitPolicy(models.Model):
    """Which closed work orders get a return visit (回访): every major and urgent one, and
    this share of normal ones, for a unit and category or for all (blank)."""

    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, null=True, blank=True,
                             verbose_name=_("单位"))
    category = models.ForeignKey("workorders.Category", on_delete=models.CASCADE, null=True,
                                 blank=True, verbose_name=_("分类"))
    normal_share = models.PositiveSmallIntegerField(_("普通工单抽样比例（%）"), default=30)
    working_days = models.PositiveSmallIntegerField(_("回访时限（工作日）"), default=2)
    on_dissatisfied = models.CharField(_("客户不满意时"), max_length=8,
                                       choices=OnDissatisfied.choices,
                                       default=OnDissatisfied.REOPEN)

    class Meta:
        verbose_name = _("回访抽样规则")
        verbose_name_plural = _("回访抽样规则")

    def __str__(self) -> str:
        return f"{self.normal_share}%"


class VisitStatus(models.TextChoices):
    PENDING = "pending", _("待回访")
    DONE = "done", _("已回访")
    UNREACHABLE = "unreachable", _("联系不上")


class ReturnVisit(models.Model):
    # What the customer said on the call (kefu.retention).
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("comment",)

    work_order = models.OneToOneField("workorders.WorkOrder", on_delete=models.CASCADE,
                                      related_name="return_visit")
    due_at = models.DateTimeField(_("回访期限"))
    status = models.CharField(max_length=12, choices=VisitStatus.choices,
                              default=VisitStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    is_satisfied = models.BooleanField(null=True)
    is_resolved = models.BooleanField(null=True)
    comment = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by_name = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        indexes = [models.Index(fields=["status", "due_at"], name="visit_pending_due")]

    def __str__(self) -> str:
        return f"visit {self.work_order_id}"


class ResponseChannel(models.TextChoices):
    LINK = "link", _("短信/邮件链接")
    PORTAL = "portal", _("自助服务")
    PHONE = "phone", _("电话录入")


class Survey(models.Model):
    """A satisfaction survey for one closure of a work order: a signed single-use link sent by
    SMS or email, also answerable on the portal or by phone. Who handled it, the unit, team,
    category and channel are copied when it is sent, so results stay as they were."""

    # What the customer wrote (kefu.retention).
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("comment",)

    work_order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE,
                                   related_name="surveys")
    nonce = models.CharField(max_length=32, unique=True)
    sent_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("单位"))
    agent = models.ForeignKey("orgs.Staff", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("处理人"))
    team = models.ForeignKey("orgs.Department", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("班组"))
    category = models.ForeignKey("workorders.Category", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("分类"))
    channel = models.CharField(_("受理渠道"), max_length=16)
    responded_at = models.DateTimeField(_("回答时间"), null=True, blank=True)
    response_channel = models.CharField(max_length=8, choices=ResponseChannel.choices,
                                        blank=True)
    csat = models.PositiveSmallIntegerField(_("满意度（1–5）"), null=True, blank=True)
    is_resolved = models.BooleanField(_("问题是否解决"), null=True)
    nps = models.PositiveSmallIntegerField(_("推荐意愿（0–10）"), null=True, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    entered_by_name = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("满意度调查")
        verbose_name_plural = _("满意度调查")
        indexes = [models.Index(fields=["unit", "sent_at"], name="survey_unit_sent")]

    def __str__(self) -> str:
        return f"survey {self.work_order_id}"

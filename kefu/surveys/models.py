from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class OnDissatisfied(models.TextChoices):
    """What a visit that found the customer not satisfied leads to. A problem not resolved
    always goes to the unit's supervisor as a reopen proposal (SPEC §15); this chooses what a
    customer whose problem is resolved but who is still not satisfied gets."""

    REOPEN = "reopen", _("提请主管重新处理原工单")
    APPEAL = "appeal", _("已解决但不满意的，转为申诉由上级处理")


class ReturnVisitPolicy(models.Model):
    """Which closed complaints get a return visit (回访): every major and urgent one, and
    this share of each unit's normal ones a month, for a unit and category or for all
    (blank)."""

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


class SamplingTally(models.Model):
    """How many normal complaints of one unit closed in one month (Beijing time), and how
    many of them were given a visit: the row every closure of the unit locks, so two
    closures at once take consecutive places and never the same one."""

    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+",
                             db_index=False)  # led by tally_unit_month_pool
    month = models.DateField()  # the first day of the month
    # The category of the sampling rule that applies; 0 for a rule of every category. A
    # category's own share is then exact for that category, the rest for the rest.
    category_key = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    visited = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("回访抽样计数")
        verbose_name_plural = _("回访抽样计数")
        constraints = [models.UniqueConstraint(fields=["unit", "month", "category_key"],
                                               name="tally_unit_month_pool")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}: {self.visited}/{self.closed}"


class SamplingDraw(models.Model):
    """A normal complaint's place in its unit's month: the k-th closed, and whether it got a
    visit. Closed again in the same month, it keeps its place and its answer."""

    work_order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE,
                                   related_name="+")
    tally = models.ForeignKey(SamplingTally, on_delete=models.CASCADE, related_name="draws",
                              db_index=False)  # led by draw_once_per_tally
    ordinal = models.PositiveIntegerField()
    is_visited = models.BooleanField()
    drawn_at = models.DateTimeField()

    class Meta:
        verbose_name = _("回访抽样记录")
        verbose_name_plural = _("回访抽样记录")
        constraints = [models.UniqueConstraint(fields=["tally", "work_order"],
                                               name="draw_once_per_tally")]

    def __str__(self) -> str:
        return f"{self.work_order_id} #{self.ordinal}"


class VisitStatus(models.TextChoices):
    PENDING = "pending", _("待回访")
    DONE = "done", _("已回访")
    UNREACHABLE = "unreachable", _("联系不上")
    # The work order was reopened before anyone called: there is no outcome left to ask about.
    CANCELLED = "cancelled", _("已取消")


class ReturnVisit(models.Model):
    """One return-visit task, for one closure of a work order; the unit is the work order's
    when it was scheduled, so the figures per unit stay what they were."""

    # What the customer said on the call (kefu.retention).
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("comment",)

    work_order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE,
                                   related_name="return_visits")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("单位"), db_index=False)  # led by visit_unit_scheduled
    scheduled_at = models.DateTimeField(_("生成时间"))
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
        indexes = [models.Index(fields=["status", "due_at"], name="visit_pending_due"),
                   models.Index(fields=["unit", "scheduled_at"], name="visit_unit_scheduled")]

    def __str__(self) -> str:
        return f"visit {self.work_order_id}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("待主管决定")
    ACCEPTED = "accepted", _("已同意重新处理")
    DECLINED = "declined", _("不予重新处理")
    # The work order was reopened another way (the customer, an agent) before the decision.
    LAPSED = "lapsed", _("已失效")


class ReopenProposal(models.Model):
    """A return visit found the problem not resolved, or the customer not satisfied: the
    unit's supervisor decides whether the complaint is handled again (SPEC §15)."""

    # It quotes what the customer said on the call (kefu.retention).
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("reason",)

    work_order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE,
                                   related_name="reopen_proposals")
    visit = models.ForeignKey(ReturnVisit, on_delete=models.CASCADE, related_name="proposals")
    reason = models.TextField(_("提请理由"))
    proposed_at = models.DateTimeField(_("提请时间"))
    proposed_by_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_name = models.CharField(max_length=100, blank=True)
    decision_note = models.TextField(_("决定说明"), blank=True)

    class Meta:
        verbose_name = _("重新处理提请")
        verbose_name_plural = _("重新处理提请")
        constraints = [models.UniqueConstraint(
            fields=["work_order"], condition=models.Q(status="pending"),
            name="one_pending_proposal")]
        indexes = [models.Index(fields=["proposed_at"], condition=models.Q(status="pending"),
                                name="proposal_pending")]

    def __str__(self) -> str:
        return f"proposal {self.work_order_id} {self.status}"


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

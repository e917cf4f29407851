from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.customers.crypto import EncryptedTextField
from kefu.search.models import SearchText
from kefu.workorders.choices import (
    ApprovalStatus,
    Channel,
    CompensationType,
    EventType,
    PlanType,
    RejectReason,
    ResponsibleParty,
    Severity,
    WorkOrderKind,
    WorkOrderStatus,
)


class Category(models.Model):
    """A node of the configurable complaint taxonomy (001 §3.1.2 at the top)."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("上级分类"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("工单分类")
        verbose_name_plural = _("工单分类")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class NumberSequence(models.Model):
    """Last number issued per prefix and year; incremented in the intake transaction."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="number_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_value}"


class WorkOrder(models.Model):
    # What the customer asked and who they are, and what was found about it (kefu.retention).
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = (
        "title", "content", "contact_name", "contact_phone", "findings", "evidence_summary",
        "pending_question", "customer_feedback", "call_id")

    # Null only inside the intake transaction, until the number is allocated at its end.
    # Unique by a constraint in Meta, not unique=True: that would add a LIKE index on
    # PostgreSQL, and numbers are only ever looked up whole.
    number = models.CharField(_("工单号"), max_length=20, null=True)
    kind = models.CharField(_("类型"), max_length=16, choices=WorkOrderKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=WorkOrderStatus.choices, default=WorkOrderStatus.RECEIVED
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    call_id = models.CharField(_("来电流水号"), max_length=64, blank=True)
    severity = models.CharField(
        _("严重程度"), max_length=8, choices=Severity.choices, default=Severity.NORMAL
    )
    # The foreign keys below that lead a composite index in Meta need no index of their own:
    # every extra index is one more write per intake and per sweep.
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("分类"),
        db_index=False,
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="work_orders",
        verbose_name=_("客户"), db_index=False,
    )
    contact_name = EncryptedTextField(_("联系人"))
    contact_phone = EncryptedTextField(_("联系电话"))
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("诉求内容"))
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="work_orders",
        verbose_name=_("责任单位"), db_index=False,
    )
    department = models.ForeignKey(
        "orgs.Department", on_delete=models.PROTECT, null=True, blank=True,
        verbose_name=_("责任部门"), db_index=False,
    )
    # 首问负责: the staff member who first received the matter stays accountable until closure.
    owner = models.ForeignKey(
        "orgs.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="owned_orders",
        verbose_name=_("首问负责人"), db_index=False,
    )
    handler = models.ForeignKey(
        "orgs.Staff", on_delete=models.PROTECT, null=True, blank=True,
        related_name="handled_orders", verbose_name=_("当前处理人"), db_index=False,
    )
    received_at = models.DateTimeField(_("受理时间"))
    classified_at = models.DateTimeField(null=True, blank=True)
    investigation_started_at = models.DateTimeField(null=True, blank=True)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    # When the handler said handling is complete; the reply is due from then (001 §4.2.1).
    handling_completed_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Investigation (001 §3.2): methods, findings, evidence and who is responsible.
    investigation_methods = models.JSONField(default=list, blank=True)
    findings = models.TextField(_("调查结论"), blank=True)
    evidence_summary = models.TextField(_("证据说明"), blank=True)
    responsible_party = models.CharField(
        _("责任方"), max_length=16, choices=ResponsibleParty.choices, blank=True
    )

    # Side paths
    pending_return_status = models.CharField(max_length=16, blank=True)
    pending_question = models.TextField(_("待补充内容"), blank=True)
    reject_reason = models.CharField(max_length=16, choices=RejectReason.choices, blank=True)
    closing_note = models.TextField(_("结案说明"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重开次数"), default=0)
    is_escalated = models.BooleanField(_("已升级"), default=False)
    # Response tier of 001 §7.2 (3 city/district, 2 province, 1 HQ); a breach raises it.
    tier = models.PositiveSmallIntegerField(_("响应级别"), default=3)
    # The latest any clock may show, set from outside: a regulator's deadline for an appeal.
    deadline_cap = models.DateTimeField(_("最迟期限"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from",
        db_index=False,
    )

    # Closure (001 §4.4.1): customer feedback and satisfaction
    is_confirmed_by_customer = models.BooleanField(default=False)
    satisfaction_score = models.PositiveSmallIntegerField(null=True, blank=True)
    customer_feedback = models.TextField(_("客户反馈"), blank=True)
    archive_number = models.CharField(_("档案号"), max_length=24, blank=True)
    # Past retention: personal content removed, the figures kept for statistics.
    is_anonymised = models.BooleanField(default=False)

    # Optimistic concurrency: every action bumps it; the API's ETag is this number.
    version = models.PositiveIntegerField(default=1)
    # The earliest warning or deadline of its running clocks: the sweeper reads only rows
    # whose moment has come, however many work orders are open.
    next_due_at = models.DateTimeField(null=True, blank=True)
    # Whether any clock has passed its deadline (kept for lists: the "overdue" filter).
    is_overdue = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        indexes = [
            # work queues: newest first within the units in scope
            models.Index(fields=["unit", "-id"], name="wo_unit_id"),
            # work queues filtered by state
            models.Index(fields=["status", "unit", "-id"], name="wo_status_unit_id"),
            # "mine": current handler's open work
            models.Index(fields=["handler", "status"], name="wo_handler_status"),
            # scope: what a member of staff received stays theirs to see
            models.Index(fields=["owner", "-id"], name="wo_owner_id"),
            # customer 360 and the customer's own list
            models.Index(fields=["customer", "-id"], name="wo_customer_id"),
            # created-range filter and reports
            models.Index(fields=["received_at"], name="wo_received_at"),
            models.Index(fields=["category", "-id"], name="wo_category_id"),
            # sla sweeper: what is due now
            models.Index(fields=["next_due_at"], name="wo_next_due_at",
                         condition=models.Q(next_due_at__isnull=False)),
            # Rarely set: a partial index costs nothing to the rows that leave them empty.
            models.Index(fields=["department"], name="wo_department",
                         condition=models.Q(department__isnull=False)),
            models.Index(fields=["merged_into"], name="wo_merged_into",
                         condition=models.Q(merged_into__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="wo_number_unique"),
            models.UniqueConstraint(fields=["archive_number"], name="wo_archive_number_unique",
                                    condition=~models.Q(archive_number="")),
        ]

    def __str__(self) -> str:
        return self.number or "—"


class TimelineEvent(models.Model):
    """One immutable entry of a work order's history: who, when, what, why."""

    # Notes and data repeat what was said and decided about the customer's matter.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("note", "data")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events",
                                   db_index=False)  # led by event_work_order_id
    at = models.DateTimeField()
    event_type = models.CharField(max_length=24, choices=EventType.choices)
    transition = models.CharField(max_length=32, blank=True)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor_role = models.CharField(max_length=16)
    actor_user_id = models.BigIntegerField(null=True)
    actor_name = models.CharField(max_length=100)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    is_customer_visible = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("工单轨迹")
        verbose_name_plural = _("工单轨迹")
        indexes = [
            # the timeline of one work order, in order
            models.Index(fields=["work_order", "id"], name="event_work_order_id"),
            # the reopen rate of a period reads only reopenings and closures, by time
            models.Index(fields=["at"], name="event_reopen_close_at",
                         condition=models.Q(transition__in=("reopen", "close"))),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.from_status}→{self.to_status}"


class Attachment(models.Model):
    # The customer's documents and screenshots, and their file names.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("file", "original_name")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    is_evidence = models.BooleanField(default=True)
    uploaded_at = models.DateTimeField()
    uploaded_by_name = models.CharField(max_length=100)
    uploaded_by_user_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class HandlingPlan(models.Model):
    """A plan of handling (001 §3.3.2); compensation above a threshold needs approval."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="plans")
    plan_type = models.CharField(_("方案类型"), max_length=16, choices=PlanType.choices)
    description = models.TextField(_("方案说明"))
    compensation_type = models.CharField(
        max_length=16, choices=CompensationType.choices, blank=True
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    approval_status = models.CharField(
        max_length=12, choices=ApprovalStatus.choices, default=ApprovalStatus.NOT_NEEDED
    )
    approver_role = models.CharField(max_length=16, blank=True)
    decided_by_name = models.CharField(max_length=100, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by_name = models.CharField(max_length=100)
    created_by_user_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("处理方案")
        verbose_name_plural = _("处理方案")

    def __str__(self) -> str:
        return f"{self.plan_type} ¥{self.amount}"


class Reply(models.Model):
    """A written reply to the customer (001 §4.3)."""

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = (
        "result", "process_summary", "measures", "suggestions", "cause_analysis")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="replies")
    result = models.TextField(_("处理结果"))
    process_summary = models.TextField(_("处理过程"))
    measures = models.TextField(_("采取措施"))
    suggestions = models.TextField(_("建议"), blank=True)
    cause_analysis = models.TextField(_("原因分析"))
    needs_further_handling = models.BooleanField(_("需进一步处理"), default=False)
    channel = models.CharField(_("答复渠道"), max_length=16, choices=Channel.choices)
    replied_at = models.DateTimeField()
    replied_by_name = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")

    def __str__(self) -> str:
        return f"reply {self.replied_at:%Y-%m-%d}"


class IdempotencyRecord(models.Model):
    """An intake request already served: a retry with the same key gets the same work order."""

    user_id = models.BigIntegerField()
    key = models.CharField(max_length=128)
    fingerprint = models.CharField(max_length=64)
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_id", "key"], name="idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return self.key


class CompensationApprovalRule(models.Model):
    """Compensation above `amount_above` needs the approval of `approver_role` (SPEC §3, §15);
    the highest rule a plan exceeds decides who approves."""

    approver_role = models.CharField(_("审批角色"), max_length=16, unique=True)
    amount_above = models.DecimalField(_("金额超过（元）"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("补偿审批规则")
        verbose_name_plural = _("补偿审批规则")
        ordering = ["amount_above"]

    def __str__(self) -> str:
        return f"> ¥{self.amount_above}: {self.approver_role}"


class LinkKind(models.TextChoices):
    RELATED = "related", _("相关")
    SPLIT = "split", _("拆分自")


class WorkOrderLink(models.Model):
    """Two work orders that belong together: related matters, or a part split out of a
    complaint (the source is the new part, the target the complaint it came from)."""

    source = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("关联类型"), max_length=8, choices=LinkKind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField()
    created_by_name = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("关联工单")
        verbose_name_plural = _("关联工单")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="one_link_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class WorkOrderText(SearchText):
    """A work order's searchable text (kefu.search), indexed again by the kernel at the end
    of each change that recorded an event (`kefu.workorders.searching`)."""

    work_order = models.OneToOneField(WorkOrder, on_delete=models.CASCADE, primary_key=True,
                                      related_name="search_text")
    # The units whose staff see the work order (`searching.Document`), so a search keeps to
    # a scope on this row alone.
    scope_units = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"text of {self.work_order_id}"

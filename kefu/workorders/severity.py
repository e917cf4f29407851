"""Rules that suggest a severity (SPEC §5): a network outage, a personal data leak, media or
regulator involvement, a repeat complaint by the same customer within 30 days, a VIP customer.
A suggestion comes with its reason; only an authorised person sets major or urgent (the
classify action checks that), so a suggestion never changes anything by itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kefu.customers.models import CustomerLevel
from kefu.workorders.choices import Channel, Severity, WorkOrderKind
from kefu.workorders.models import WorkOrder

REPEAT_DAYS = 30
SEVERITY_RANK: dict[str, int] = {Severity.NORMAL: 0, Severity.MAJOR: 1, Severity.URGENT: 2}


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    reason_zh: str
    reason_en: str
    categories: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()


# As data: the words and categories are what the desk sees in real complaints.
RULES: tuple[Rule, ...] = (
    Rule("network_outage", Severity.MAJOR, "疑似网络大面积故障", "Looks like a network outage",
         keywords=("大面积", "断网", "全网", "基站故障", "整片", "瘫痪", "全部无信号")),
    Rule("data_leak", Severity.URGENT, "涉及个人信息泄露", "Personal data may have leaked",
         categories=frozenset({"F04"}),
         keywords=("泄露", "泄漏", "个人信息被", "信息外泄", "隐私")),
    Rule("media_or_regulator", Severity.MAJOR, "涉及媒体或监管部门",
         "Media or a regulator is involved",
         channels=frozenset({Channel.SOCIAL, Channel.REGULATOR}),
         keywords=("媒体", "记者", "曝光", "微博", "工信部", "通信管理局", "12300", "起诉")),
)


@dataclass(frozen=True)
class Suggestion:
    severity: str
    code: str
    reason_zh: str
    reason_en: str


def suggest_severity(wo: WorkOrder) -> list[Suggestion]:
    """Every rule the work order meets, most severe first."""
    text = f"{wo.title}\n{wo.content}"
    category = wo.category.code if wo.category_id and wo.category else ""
    found = [Suggestion(r.severity, r.code, r.reason_zh, r.reason_en) for r in RULES
             if category in r.categories or wo.channel in r.channels
             or any(word in text for word in r.keywords)]
    if wo.customer.level in (CustomerLevel.GOLD, CustomerLevel.DIAMOND):
        found.append(Suggestion(Severity.MAJOR, "vip", "VIP客户", "VIP customer"))
    repeats = (WorkOrder.objects.filter(
        customer_id=wo.customer_id, kind=WorkOrderKind.COMPLAINT,
        received_at__gte=wo.received_at - timedelta(days=REPEAT_DAYS),
        received_at__lte=wo.received_at).exclude(pk=wo.pk).count()
        if wo.kind == WorkOrderKind.COMPLAINT else 0)
    if repeats:
        found.append(Suggestion(Severity.MAJOR, "repeat",
                                f"30天内重复投诉（另有{repeats}件）",
                                f"Repeat complaint: {repeats} more within 30 days"))
    return sorted(found, key=lambda s: -SEVERITY_RANK[s.severity])


def suggestions_above_current(wo: WorkOrder) -> list[Suggestion]:
    """The suggestions still worth showing: those above the severity the work order has."""
    return [s for s in suggest_severity(wo)
            if SEVERITY_RANK[s.severity] > SEVERITY_RANK[wo.severity]]


def suggested_severity(suggestions: list[Suggestion]) -> str:
    return suggestions[0].severity if suggestions else Severity.NORMAL

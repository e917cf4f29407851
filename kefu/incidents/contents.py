"""What an incident report and its review must state, and by when (001 §7.2–7.4).

§7.2 has the report made at once (第一时间上报) "包含时间、地点、事件类型、影响范围、初步原因等
信息": those are required when the incident is reported. §7.3 lists what the report and its
notice state, "事件发生时间、地点、类型、影响范围、已采取措施、预计处理时间、后续影响", and for a
network failure "影响用户数量": the items a report made at once may not know yet are required
before the first notice goes out, which is when the report is published. §7.4 asks the
review for the root cause (问题根因分析), the corrective actions (改进措施落实), the customers'
compensation (客户补偿) and the lessons for next time (总结与复盘……经验教训).

The actions, the API and the console all read these lists, so the form marks what the action
refuses."""

from __future__ import annotations

from kefu.incidents.models import Incident

# §7.2, free text: refused blank at the report and at any correction. Kind, level and the
# occurrence time are checked with their own rules in the report.
REPORT_TEXT = ("title", "place", "affected_scope", "initial_cause")
# §7.2 in full: required when reporting.
REPORT_REQUIRED = ("title", "kind", "level", "place", "occurred_at", "affected_scope",
                   "initial_cause")
# §7.3's items that may follow the report: the first notice needs them.
NOTICE_LATER = ("affected_customers", "measures", "expected_recovery_at", "further_impact")
# Everything the first notice states, in the order the form asks for it. The §7.2 items are
# checked again: incidents reported before they were required may lack them.
NOTICE_CONTENT = ("occurred_at", "place", "kind", "affected_scope", "affected_customers",
                  "initial_cause", "measures", "expected_recovery_at", "further_impact")
# §7.4: the review, every item required. Compensation is stated even when none was given, so
# that "none" is a decision on the record rather than a field left empty.
REVIEW_CONTENT = ("root_cause", "corrective_actions", "compensation_summary",
                  "lessons_learned")


def is_blank(value: object) -> bool:
    """Unknown: no value, or only spaces. Zero customers affected is a figure, not a gap."""
    return value is None or (isinstance(value, str) and not value.strip())


def missing_for_notice(incident: Incident) -> list[str]:
    """The report items a first notice cannot go out without, nor the incident close."""
    return [name for name in NOTICE_CONTENT if is_blank(getattr(incident, name))]


def required_mark(name: str) -> str:
    """How a form marks a field: * required now, † required before the first notice."""
    if name in REPORT_REQUIRED or name in REVIEW_CONTENT:
        return "*"
    return "†" if name in NOTICE_LATER else ""

"""How the console asks for each value a transition needs: label and kind of input, by field
name. Which fields a transition's form has, and in what order, its input type says
(`kefu.workorders.inputs`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kefu.workorders.choices import (
    Channel,
    CompensationType,
    InvestigationMethod,
    PlanType,
    RejectReason,
    ResponsibleParty,
    Severity,
)
from kefu.workorders.transitions import Transition


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str | Promise
    widget: str  # text, textarea, select, multiselect, checkbox, number, category, staff
    choices: tuple[tuple[str, str], ...] = ()


def _c(choices: type) -> tuple[tuple[str, str], ...]:
    return tuple((str(v), str(label)) for v, label in choices.choices)  # type: ignore[attr-defined]


SPECS: dict[str, FieldSpec] = {s.name: s for s in [
    FieldSpec("category_id", _("分类"), "category"),
    FieldSpec("severity", _("严重程度"), "select", _c(Severity)),
    FieldSpec("handler_id", _("处理人"), "staff"),
    FieldSpec("investigation_methods", _("调查方式"), "multiselect", _c(InvestigationMethod)),
    FieldSpec("findings", _("调查结论"), "textarea"),
    FieldSpec("evidence_summary", _("证据说明"), "textarea"),
    FieldSpec("responsible_party", _("责任方"), "select", _c(ResponsibleParty)),
    FieldSpec("plan_type", _("处理方案"), "select", _c(PlanType)),
    FieldSpec("plan_description", _("方案说明"), "textarea"),
    FieldSpec("compensation_type", _("补偿方式"), "select", (("", "—"), *_c(CompensationType))),
    FieldSpec("amount", _("补偿金额（元）"), "number"),
    FieldSpec("question", _("需客户补充的内容"), "textarea"),
    FieldSpec("result", _("处理结果"), "textarea"),
    FieldSpec("process_summary", _("处理过程"), "textarea"),
    FieldSpec("measures", _("采取措施"), "textarea"),
    FieldSpec("suggestions", _("建议"), "textarea"),
    FieldSpec("cause_analysis", _("原因分析"), "textarea"),
    FieldSpec("reply_channel", _("答复渠道"), "select", _c(Channel)),
    FieldSpec("needs_further_handling", _("需进一步处理"), "checkbox"),
    FieldSpec("is_confirmed_by_customer", _("客户已确认解决"), "checkbox"),
    FieldSpec("satisfaction_score", _("满意度（1–5）"), "number"),
    FieldSpec("feedback", _("客户反馈"), "textarea"),
    FieldSpec("reason", _("原因"), "textarea"),
    FieldSpec("confirmation_call_id", _("客户确认撤诉的通话录音编号"), "text"),
    FieldSpec("reject_reason", _("不予受理原因"), "select", _c(RejectReason)),
    FieldSpec("target_number", _("合并到工单号"), "text"),
    FieldSpec("note", _("备注"), "textarea"),
]}

def form_fields(transition: Transition) -> list[FieldSpec]:
    """The transition's form: one input per field of its input type, in the type's order."""
    return [SPECS[f.name] for f in transition.inputs.fields_in_order()]

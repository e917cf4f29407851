"""One entry for every transition by name, used by the API and the console alike. It only
routes the submitted values to the transition's own action."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kefu.orgs.actors import Actor
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from kefu.workorders.transitions import TRANSITIONS, TransitionNotAllowed


def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value)


def _plan(values: Mapping[str, Any]) -> actions.PlanInput:
    return actions.PlanInput(
        plan_type=_text(values, "plan_type"), description=_text(values, "plan_description"),
        compensation_type=_text(values, "compensation_type"), amount=values.get("amount"),
    )


_Runner = Callable[[Actor, int, Mapping[str, Any], int | None], WorkOrder]

_RUNNERS: dict[str, _Runner] = {
    "classify": lambda a, i, v, ver: actions.classify_work_order(
        actor=a, work_order_id=i, category_id=v.get("category_id"),
        severity=_text(v, "severity"), handler_id=v.get("handler_id"), note=_text(v, "note"),
        expected_version=ver),
    "answer": lambda a, i, v, ver: actions.answer_consultation(
        actor=a, work_order_id=i, result=_text(v, "result"),
        reply_channel=_text(v, "reply_channel"), note=_text(v, "note"), expected_version=ver),
    "start_investigation": lambda a, i, v, ver: actions.start_investigation(
        actor=a, work_order_id=i, investigation_methods=list(v.get("investigation_methods")
                                                             or []),
        note=_text(v, "note"), expected_version=ver),
    "start_processing": lambda a, i, v, ver: actions.start_processing(
        actor=a, work_order_id=i, findings=_text(v, "findings"),
        evidence_summary=_text(v, "evidence_summary"),
        responsible_party=_text(v, "responsible_party"), plan=_plan(v), note=_text(v, "note"),
        expected_version=ver),
    "begin_handling": lambda a, i, v, ver: actions.begin_handling(
        actor=a, work_order_id=i, plan=_plan(v), note=_text(v, "note"), expected_version=ver),
    "request_info": lambda a, i, v, ver: actions.request_customer_info(
        actor=a, work_order_id=i, question=_text(v, "question"), expected_version=ver),
    "resume": lambda a, i, v, ver: actions.resume_from_customer(
        actor=a, work_order_id=i, note=_text(v, "note"), expected_version=ver),
    "reply": lambda a, i, v, ver: actions.reply_to_customer(
        actor=a, work_order_id=i, reply=actions.ReplyInput(
            result=_text(v, "result"), process_summary=_text(v, "process_summary"),
            measures=_text(v, "measures"), suggestions=_text(v, "suggestions"),
            cause_analysis=_text(v, "cause_analysis"), reply_channel=_text(v, "reply_channel"),
            needs_further_handling=bool(v.get("needs_further_handling"))),
        note=_text(v, "note"), expected_version=ver),
    "close": lambda a, i, v, ver: actions.close_work_order(
        actor=a, work_order_id=i, is_confirmed_by_customer=bool(v.get("is_confirmed_by_customer")),
        satisfaction_score=v.get("satisfaction_score"), feedback=_text(v, "feedback"),
        expected_version=ver),
    "reopen": lambda a, i, v, ver: actions.reopen_work_order(
        actor=a, work_order_id=i, reason=_text(v, "reason"), expected_version=ver),
    "reject": lambda a, i, v, ver: actions.reject_work_order(
        actor=a, work_order_id=i, reject_reason=_text(v, "reject_reason"),
        note=_text(v, "note"), expected_version=ver),
    "withdraw": lambda a, i, v, ver: actions.withdraw_work_order(
        actor=a, work_order_id=i, reason=_text(v, "reason"), expected_version=ver),
    "merge": lambda a, i, v, ver: actions.merge_work_order(
        actor=a, work_order_id=i, target_number=_text(v, "target_number"),
        note=_text(v, "note"), expected_version=ver),
    "archive": lambda a, i, v, ver: actions.archive_work_order(
        actor=a, work_order_id=i, expected_version=ver),
}

assert set(_RUNNERS) == set(TRANSITIONS), "every transition needs its action"


def perform_transition(
    *, actor: Actor, work_order_id: int, name: str, values: Mapping[str, Any],
    expected_version: int | None = None,
) -> WorkOrder:
    """Run the named transition's action with the submitted values."""
    runner = _RUNNERS.get(name)
    if runner is None:
        raise TransitionNotAllowed(f"没有名为「{name}」的操作", f"There is no transition '{name}'",
                                   detail={"allowed": []})
    return runner(actor, work_order_id, values, expected_version)

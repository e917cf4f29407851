"""Reopen proposals (SPEC §15): a return visit that finds the problem not resolved, or the
customer not satisfied, does not reopen the complaint by itself. It proposes the reopen to a
supervisor of the complaint's unit, who accepts (the complaint is handled again, in the same
transaction) or declines with a reason. The visit records what the customer said; whether the
company handles it again is a decision someone answers for."""

from __future__ import annotations

from django.utils import timezone

from kefu.audit.choices import AuditAction
from kefu.errors import REQUIRED, InvalidInput, NotFound
from kefu.orgs.actors import Actor
from kefu.orgs.choices import Role
from kefu.orgs.models import Staff
from kefu.surveys.models import ProposalStatus, ReopenProposal, ReturnVisit, VisitStatus
from kefu.surveys.permissions import can_decide_reopen_proposal
from kefu.workorders.choices import EventType
from kefu.workorders.models import WorkOrder
from kefu.workorders.steps import (
    audit_work_order,
    lock_with_work_order,
    record_event,
    reopen_locked,
    tell_staff,
    touch,
    work_order_change,
)


def _what_the_customer_said(visit: ReturnVisit) -> str:
    said = "问题未解决" if not visit.is_resolved else "对处理结果不满意"
    return f"回访客户表示{said}" + (f"：{visit.comment}" if visit.comment else "")


def propose_reopen(wo: WorkOrder, visit: ReturnVisit, actor: Actor) -> ReopenProposal:
    """Called by the visit's change, which holds the work order's lock: the proposal, its
    timeline event and audit entry, and a word to the supervisors who decide."""
    reason = _what_the_customer_said(visit)
    proposal = ReopenProposal.objects.create(
        work_order=wo, visit=visit, reason=reason, proposed_at=timezone.now(),
        proposed_by_name=actor.name)
    touch(wo)
    record_event(wo, actor, EventType.REOPEN_PROPOSED, note=reason,
                 data={"proposal": proposal.pk, "visit": visit.pk})
    audit_work_order(wo, actor, AuditAction.REOPEN_PROPOSED, {
        "proposal": proposal.pk, "visit": visit.pk, "satisfied": visit.is_satisfied,
        "resolved": visit.is_resolved})
    said = "问题未解决" if not visit.is_resolved else "不满意"
    for staff_id in deciding_supervisors(wo):
        tell_staff(staff_id, "reopen_proposed", wo, said=said)
    return proposal


def deciding_supervisors(wo: WorkOrder) -> list[int]:
    """The supervisors of the work order's unit; when it has none, those of the nearest unit
    above it that has some (a district's complaints are decided in its city)."""
    ancestry = [int(part) for part in wo.unit.path.split("/") if part]
    people: dict[int, list[int]] = {}
    for staff_id, unit_id in Staff.objects.filter(
            unit_id__in=ancestry, role=Role.SUPERVISOR, user__is_active=True,
    ).order_by("id").values_list("id", "unit_id"):
        people.setdefault(unit_id, []).append(staff_id)
    return next((people[unit] for unit in reversed(ancestry) if unit in people), [])


@work_order_change
def decide_reopen_proposal(*, actor: Actor, proposal_id: int, is_accepted: bool,
                           note: str = "") -> ReopenProposal:
    """The supervisor accepts (the complaint is reopened through the kernel's reopen step,
    counted, the customer told) or declines, giving the reason."""
    can_decide_reopen_proposal(actor).enforce()
    wo, proposal = lock_with_work_order(actor, ReopenProposal, proposal_id,
                                        NotFound("重新处理提请不存在", "No such reopen proposal"))
    proposal.work_order = wo
    can_decide_reopen_proposal(actor, proposal).enforce()
    note = note.strip()
    if not is_accepted and not note:
        raise InvalidInput("不同意重新处理须说明理由", "Give the reason for declining",
                           fields={"note": [REQUIRED]})
    if len(note) > 2000:
        raise InvalidInput("说明最多2000字", "The note is at most 2000 characters",
                           fields={"note": ["≤ 2000"]})
    proposal.status = ProposalStatus.ACCEPTED if is_accepted else ProposalStatus.DECLINED
    proposal.decided_at, proposal.decided_by_name = timezone.now(), actor.name
    proposal.decision_note = note
    # Saved before the reopen, whose reaction lapses the proposals still pending.
    proposal.save(update_fields=["status", "decided_at", "decided_by_name", "decision_note"])
    kind, action = ((EventType.REOPEN_PROPOSAL_ACCEPTED, AuditAction.REOPEN_PROPOSAL_ACCEPTED)
                    if is_accepted else
                    (EventType.REOPEN_PROPOSAL_DECLINED, AuditAction.REOPEN_PROPOSAL_DECLINED))
    record_event(wo, actor, kind, note=note, data={"proposal": proposal.pk})
    audit_work_order(wo, actor, action, {"proposal": proposal.pk, "note": note})
    if is_accepted:
        reopen_locked(wo, actor, f"{proposal.reason}（主管同意重新处理）")
    else:
        touch(wo)
    return proposal


def lapse_pending(wo: WorkOrder) -> None:
    """The work order was reopened another way: its proposals have nothing left to decide,
    and a visit nobody has made yet has no outcome left to ask about."""
    now = timezone.now()
    ReopenProposal.objects.filter(work_order=wo, status=ProposalStatus.PENDING).update(
        status=ProposalStatus.LAPSED, decided_at=now, decision_note="工单已重新处理")
    ReturnVisit.objects.filter(work_order=wo, status=VisitStatus.PENDING).update(
        status=VisitStatus.CANCELLED, completed_at=now)

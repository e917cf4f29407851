"""Who may record a return visit or a survey answered by phone, and who decides on the reopen
a visit proposed: the `can_*` predicates the actions enforce and the console consults."""

from __future__ import annotations

from kefu.errors import Conflict, PermissionRefused
from kefu.orgs.actors import Actor
from kefu.orgs.permissions import Capability, Verdict, granted, refused
from kefu.surveys.models import ProposalStatus, ReopenProposal, ReturnVisit, VisitStatus

C = Capability


def can_record_return_visit(actor: Actor, visit: ReturnVisit | None = None) -> Verdict:
    verdict = granted(actor.role, C.RECORD_RETURN_VISIT, "您的角色不能登记回访",
                      "Your role may not record visits")
    if verdict and visit is not None and visit.status != VisitStatus.PENDING:
        return refused(Conflict("该回访已完成", "The visit is already recorded"))
    return verdict


def can_record_survey(actor: Actor) -> Verdict:
    return granted(actor.role, C.RECORD_SURVEY, "您的角色不能录入满意度调查",
                   "Your role may not enter survey answers")


def can_decide_reopen_proposal(actor: Actor, proposal: ReopenProposal | None = None) -> Verdict:
    """A supervisor of the work order's unit, or a manager above it, decides; someone who
    sees the work order only because their department co-handles it does not."""
    verdict = granted(actor.role, C.DECIDE_REOPEN_PROPOSAL,
                      "只有主管或管理层可以决定是否重新处理",
                      "Only supervisors or managers decide on reopening")
    if not verdict or proposal is None:
        return verdict
    if not actor.unit_path or not proposal.work_order.unit.path.startswith(actor.unit_path):
        return refused(PermissionRefused("须由工单所属单位或其上级单位的主管决定",
                                         "A supervisor of the work order's unit, or above it, "
                                         "decides"))
    if proposal.status != ProposalStatus.PENDING:
        return refused(Conflict("该提请已处理", "The proposal was already decided"))
    return verdict

"""Who may record a return visit or a survey answered by phone: the `can_*` predicates the
actions enforce and the console consults."""

from __future__ import annotations

from kefu.errors import Conflict
from kefu.orgs.actors import Actor
from kefu.orgs.permissions import Capability, Verdict, granted, refused
from kefu.surveys.models import ReturnVisit, VisitStatus

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

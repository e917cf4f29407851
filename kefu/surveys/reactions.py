"""What surveys add to the work order's lifecycle (see `kefu.workorders.reactions`)."""

from __future__ import annotations

from kefu.errors import Conflict
from kefu.orgs.actors import Actor
from kefu.surveys.actions import send_survey
from kefu.surveys.models import ProposalStatus, ReopenProposal, ReturnVisit, Survey
from kefu.surveys.proposals import lapse_pending
from kefu.surveys.sampling import schedule_return_visit
from kefu.workorders import reactions
from kefu.workorders.models import WorkOrder


@reactions.after("close")
def follow_up_closure(wo: WorkOrder, actor: Actor) -> None:
    """Every closure sends a satisfaction survey; the sampling rule picks the return visits."""
    schedule_return_visit(wo)
    send_survey(wo)


@reactions.holds_record_content
def feedback_after_closure(wo: WorkOrder) -> set[str]:
    """A survey answered, or a return visit that reached the customer, is the customer's
    feedback on the record; the survey's score is its satisfaction score (001 §4.4.1)."""
    held: set[str] = set()
    if Survey.objects.filter(work_order=wo, responded_at__isnull=False,
                             csat__isnull=False).exists():
        held |= {"customer_feedback", "satisfaction_score"}
    if ReturnVisit.objects.filter(work_order=wo, completed_at__isnull=False,
                                  is_satisfied__isnull=False).exists():
        held.add("customer_feedback")
    return held


@reactions.after("reopen")
def lapse_on_reopen(wo: WorkOrder, actor: Actor) -> None:
    """Reopened, by a supervisor's acceptance or another way: nothing is left to propose."""
    lapse_pending(wo)


@reactions.guard("archive")
def wait_for_the_supervisor(wo: WorkOrder, actor: Actor) -> None:
    """An archived record is final, so a reopen still to be decided keeps it open."""
    if ReopenProposal.objects.filter(work_order=wo, status=ProposalStatus.PENDING).exists():
        raise Conflict("回访提请的重新处理尚待主管决定，暂不能归档",
                       "A reopen proposed by a return visit awaits the supervisor's decision")

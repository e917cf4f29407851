"""What surveys add to the work order's lifecycle (see `kefu.workorders.reactions`)."""

from __future__ import annotations

from kefu.orgs.actors import Actor
from kefu.surveys.actions import schedule_return_visit, send_survey
from kefu.workorders import reactions
from kefu.workorders.models import WorkOrder


@reactions.after("close")
def follow_up_closure(wo: WorkOrder, actor: Actor) -> None:
    """Every closure sends a satisfaction survey; the sampling rule picks the return visits."""
    schedule_return_visit(wo)
    send_survey(wo)

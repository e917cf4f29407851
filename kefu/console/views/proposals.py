"""Reopen proposals of return visits, decided from the work order page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from kefu.console.error_handling import renders_errors
from kefu.console.views.base import detail_form, staff_view
from kefu.orgs.actors import Actor
from kefu.surveys.proposals import decide_reopen_proposal
from kefu.workorders.queries import get_work_order


@require_POST
@staff_view
@renders_errors(detail_form("visit"))
def reopen_decision(request: HttpRequest, actor: Actor, wo_id: int,
                    proposal_id: int) -> HttpResponse:
    """Accept (the complaint is handled again) or decline with a reason."""
    get_work_order(actor, wo_id)
    proposal = decide_reopen_proposal(actor=actor, proposal_id=proposal_id,
                                      is_accepted=request.POST.get("decision") == "accept",
                                      note=request.POST.get("note", ""))
    return HttpResponseRedirect(reverse("console:detail", args=[proposal.work_order_id])
                                + "#visit")

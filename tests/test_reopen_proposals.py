"""A return visit that finds the problem not resolved proposes a reopen to the supervisor
(SPEC §15): the complaint stays closed until a supervisor of its unit accepts; accepting
reopens it, declining needs a reason, and nobody else decides."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from kefu.audit.models import AuditEntry
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from kefu.notify.models import OutboxMessage
from kefu.surveys.actions import record_return_visit
from kefu.surveys.models import ReopenProposal
from kefu.surveys.proposals import decide_reopen_proposal
from kefu.workorders import actions
from kefu.workorders.models import TimelineEvent, WorkOrder
from tests.conftest import World, make_staff
from tests.test_return_visits import closed

pytestmark = pytest.mark.django_db


def visited(world: World, *, satisfied: bool = False, resolved: bool = False) -> WorkOrder:
    """A major complaint (always visited) whose visit found the customer not satisfied."""
    wo = closed(world, severity="major")
    record_return_visit(actor=world.agent, work_order_id=wo.pk, reached=True,
                        satisfied=satisfied, resolved=resolved, comment="信号还是差")
    return WorkOrder.objects.get(pk=wo.pk)


def events(wo: WorkOrder) -> list[str]:
    return list(TimelineEvent.objects.filter(work_order=wo).order_by("id")
                .values_list("event_type", flat=True))


def test_not_resolved_is_a_pending_proposal_and_the_complaint_stays_closed(
        world: World) -> None:
    get_user_model().objects.filter(username="supervisor").update(email="sup@example.com")
    wo = visited(world)
    assert wo.status == "closed" and wo.reopen_count == 0
    proposal = ReopenProposal.objects.get(work_order=wo)
    assert proposal.status == "pending" and proposal.reason == "回访客户表示问题未解决：信号还是差"
    assert events(wo)[-1] == "reopen_proposed"
    assert AuditEntry.objects.filter(action="REOPEN_PROPOSED", object_id=str(wo.pk)).exists()
    told = OutboxMessage.objects.get(template="reopen_proposed")
    assert told.recipient == "sup@example.com" and wo.number in told.body


def test_not_satisfied_though_resolved_is_proposed_too(world: World) -> None:
    wo = visited(world, satisfied=False, resolved=True)
    assert ReopenProposal.objects.get(work_order=wo).reason.startswith("回访客户表示对处理结果不满意")
    assert wo.status == "closed"


def test_satisfied_and_resolved_proposes_nothing(world: World) -> None:
    wo = visited(world, satisfied=True, resolved=True)
    assert not ReopenProposal.objects.filter(work_order=wo).exists()


def test_the_supervisor_accepts_and_the_complaint_is_reopened(world: World) -> None:
    wo = visited(world)
    proposal = ReopenProposal.objects.get(work_order=wo)
    decided = decide_reopen_proposal(actor=world.supervisor, proposal_id=proposal.pk,
                                     is_accepted=True, note="同意，安排复查")
    wo.refresh_from_db()
    assert wo.status == "reopened" and wo.reopen_count == 1
    assert (decided.status, decided.decided_by_name) == ("accepted", "supervisor")
    assert events(wo)[-2:] == ["reopen_accepted", "transitioned"]
    reopen = TimelineEvent.objects.filter(work_order=wo).latest("id")
    assert reopen.transition == "reopen" and "信号还是差" in reopen.note
    assert {"REOPEN_PROPOSAL_ACCEPTED", "WORK_ORDER_REOPENED"} <= set(
        AuditEntry.objects.filter(object_id=str(wo.pk)).values_list("action", flat=True))
    with pytest.raises(Conflict):
        decide_reopen_proposal(actor=world.supervisor, proposal_id=proposal.pk,
                               is_accepted=True)


def test_declining_needs_a_reason(world: World) -> None:
    wo = visited(world)
    proposal = ReopenProposal.objects.get(work_order=wo)
    with pytest.raises(InvalidInput) as caught:
        decide_reopen_proposal(actor=world.supervisor, proposal_id=proposal.pk,
                               is_accepted=False, note="  ")
    assert "note" in caught.value.fields
    decide_reopen_proposal(actor=world.manager, proposal_id=proposal.pk, is_accepted=False,
                           note="已核实信号正常，客户所述为终端问题")
    wo.refresh_from_db()
    proposal.refresh_from_db()
    assert wo.status == "closed" and wo.reopen_count == 0
    assert proposal.status == "declined" and proposal.decision_note.startswith("已核实")
    assert events(wo)[-1] == "reopen_declined"
    assert AuditEntry.objects.filter(action="REOPEN_PROPOSAL_DECLINED").exists()


def test_only_a_supervisor_of_the_unit_or_above_decides(world: World) -> None:
    wo = visited(world)
    proposal = ReopenProposal.objects.get(work_order=wo)
    for actor in (world.handler, world.agent, world.archivist, world.admin):
        with pytest.raises(PermissionRefused):
            decide_reopen_proposal(actor=actor, proposal_id=proposal.pk, is_accepted=True)
    outsider, _ = make_staff("sz_supervisor", "supervisor", world.sibling)
    with pytest.raises(NotFound):
        decide_reopen_proposal(actor=outsider, proposal_id=proposal.pk, is_accepted=True)
    below, _ = make_staff("district_supervisor", "supervisor", world.district)
    with pytest.raises((NotFound, PermissionRefused)):
        decide_reopen_proposal(actor=below, proposal_id=proposal.pk, is_accepted=True)
    wo.refresh_from_db()
    assert wo.status == "closed"
    assert ReopenProposal.objects.get(pk=proposal.pk).status == "pending"
    assert AuditEntry.objects.filter(action="CHANGE_REFUSED").count() >= 4


def test_a_pending_proposal_keeps_the_complaint_from_the_archive(world: World) -> None:
    wo = visited(world)
    with pytest.raises(Conflict):
        actions.archive_work_order(actor=world.archivist, work_order_id=wo.pk,
                                   inputs=actions.ArchiveInput())
    proposal = ReopenProposal.objects.get(work_order=wo)
    decide_reopen_proposal(actor=world.supervisor, proposal_id=proposal.pk, is_accepted=False,
                           note="已解决")
    actions.archive_work_order(actor=world.archivist, work_order_id=wo.pk,
                               inputs=actions.ArchiveInput())
    assert WorkOrder.objects.get(pk=wo.pk).status == "archived"


def test_reopened_another_way_the_proposal_lapses(world: World) -> None:
    wo = visited(world)
    proposal = ReopenProposal.objects.get(work_order=wo)
    actions.reopen_work_order(actor=world.agent, work_order_id=wo.pk,
                              inputs=actions.ReopenInput(reason="客户来电要求重新处理"))
    proposal.refresh_from_db()
    assert proposal.status == "lapsed"
    with pytest.raises(Conflict):
        decide_reopen_proposal(actor=world.supervisor, proposal_id=proposal.pk,
                               is_accepted=True)
    assert WorkOrder.objects.get(pk=wo.pk).reopen_count == 1


def test_the_board_lists_it_and_the_page_offers_the_decision_to_deciders(world: World) -> None:
    wo = visited(world)
    proposal = ReopenProposal.objects.get(work_order=wo)
    form = f'action="/console/work-orders/{wo.pk}/reopen-proposals/{proposal.pk}/decision/"'
    supervisor = world.client_for("supervisor")
    on_board = f'href="/console/work-orders/{wo.pk}/#visit"'
    board = supervisor.get("/console/board/").content.decode()
    assert on_board in board and "回访提请重新处理" in board
    assert form in supervisor.get(f"/console/work-orders/{wo.pk}/").content.decode()
    for role in ("agent", "handler"):
        client = world.client_for(role)
        assert form not in client.get(f"/console/work-orders/{wo.pk}/").content.decode()
        assert on_board not in client.get("/console/board/").content.decode()
    url = f"/console/work-orders/{wo.pk}/reopen-proposals/{proposal.pk}/decision/"
    refused = supervisor.post(url, {"decision": "decline", "note": ""})
    assert refused.status_code == 422 and "不同意重新处理须说明理由" in refused.content.decode()
    accepted = supervisor.post(url, {"decision": "accept", "note": ""})
    assert accepted.status_code == 302
    assert WorkOrder.objects.get(pk=wo.pk).status == "reopened"
    assert on_board not in supervisor.get("/console/board/").content.decode()
    english = supervisor.get(f"/console/work-orders/{wo.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Reopen proposal" in english.content.decode()


def test_the_api_lists_and_decides(world: World) -> None:
    wo = visited(world)
    supervisor = world.client_for("supervisor")
    listed = supervisor.get("/api/surveys/reopen-proposals").json()
    assert [(p["number"], p["status"]) for p in listed] == [(wo.number, "pending")]
    url = f"/api/surveys/reopen-proposals/{listed[0]['id']}/decision"
    handler = world.client_for("handler").post(url, {"is_accepted": True},
                                               content_type="application/json")
    assert handler.status_code == 403
    declined = supervisor.post(url, {"is_accepted": False}, content_type="application/json")
    assert declined.status_code == 422
    accepted = supervisor.post(url, {"is_accepted": True}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert supervisor.get("/api/surveys/reopen-proposals").json() == []
    assert WorkOrder.objects.get(pk=wo.pk).reopen_count == 1

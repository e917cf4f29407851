"""Satisfaction surveys: a signed single-use link sent on closure, answered on the link, the
portal or by phone; results by agent, team, unit, category and channel; archive numbers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kefu.audit.models import AuditEntry
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from kefu.notify.models import OutboxMessage
from kefu.surveys.actions import (
    SurveyAnswers,
    answer_survey_by_link,
    answer_survey_on_portal,
    record_survey_by_phone,
)
from kefu.surveys.links import survey_id_from_token
from kefu.surveys.models import Survey
from kefu.surveys.queries import survey_results
from kefu.workorders import actions
from kefu.workorders.errors import ArchivedRecord
from kefu.workorders.models import WorkOrder
from tests.conftest import World, make_staff
from tests.test_return_visits import closed

pytestmark = pytest.mark.django_db

GOOD = SurveyAnswers(csat=5, is_resolved=True, nps=10, comment="很满意")


def link_token(wo: WorkOrder) -> str:
    message = OutboxMessage.objects.filter(template="survey_invitation",
                                           work_order_id=wo.pk, channel="sms").latest("id")
    found = re.search(r"/portal/survey/([^/\s]+)/", message.sealed_body)
    assert found is not None, message.sealed_body
    return found.group(1)


def test_closure_sends_a_link_by_sms_and_email(world: World) -> None:
    wo = closed(world)
    survey = Survey.objects.get(work_order=wo)
    assert survey.unit_id == wo.unit_id and survey.channel == "phone"
    assert survey.expires_at - survey.sent_at == timedelta(days=7)
    sms = OutboxMessage.objects.get(template="survey_invitation", channel="sms")
    email = OutboxMessage.objects.get(template="survey_invitation", channel="email")
    assert str(wo.number) in sms.body and "仅可使用一次" in sms.body
    assert survey_id_from_token(link_token(wo)) == (survey.pk, survey.nonce)
    assert "http://127.0.0.1:8000/portal/survey/" in email.sealed_body


def test_a_link_works_once(world: World) -> None:
    wo = closed(world)
    token = link_token(wo)
    answer_survey_by_link(token=token, answers=GOOD)
    survey = Survey.objects.get(work_order=wo)
    assert (survey.csat, survey.nps, survey.response_channel) == (5, 10, "link")
    with pytest.raises(Conflict):
        answer_survey_by_link(token=token, answers=SurveyAnswers(csat=1, is_resolved=False))
    survey.refresh_from_db()
    assert survey.csat == 5
    assert AuditEntry.objects.filter(action="SURVEY_ANSWERED").count() == 1


def test_expired_tampered_and_out_of_range(world: World) -> None:
    wo = closed(world)
    token = link_token(wo)
    with pytest.raises(NotFound):
        answer_survey_by_link(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
                              answers=GOOD)
    for bad, field in [(SurveyAnswers(csat=6, is_resolved=True), "csat"),
                       (SurveyAnswers(csat=0, is_resolved=True), "csat"),
                       (SurveyAnswers(csat=3, is_resolved=True, nps=11), "nps"),
                       (SurveyAnswers(csat=3, is_resolved=None), "is_resolved")]:
        with pytest.raises(InvalidInput) as caught:
            answer_survey_by_link(token=token, answers=bad)
        assert field in caught.value.fields
    assert Survey.objects.get(work_order=wo).responded_at is None
    Survey.objects.filter(work_order=wo).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Conflict):
        answer_survey_by_link(token=token, answers=GOOD)
    assert Survey.objects.get(work_order=wo).responded_at is None


def test_answered_on_the_portal_and_by_phone(world: World) -> None:
    first, second = closed(world), closed(world, title="宽带断线")
    answer_survey_on_portal(actor=world.customer_actor, work_order_id=first.pk, answers=GOOD)
    assert Survey.objects.get(work_order=first).response_channel == "portal"
    with pytest.raises(PermissionRefused):
        record_survey_by_phone(actor=world.handler, work_order_id=second.pk, answers=GOOD)
    outsider, _ = make_staff("sz_agent", "agent", world.sibling)
    with pytest.raises(NotFound):
        record_survey_by_phone(actor=outsider, work_order_id=second.pk, answers=GOOD)
    record_survey_by_phone(actor=world.agent, work_order_id=second.pk,
                           answers=SurveyAnswers(csat=2, is_resolved=False, comment="慢"))
    survey = Survey.objects.get(work_order=second)
    assert (survey.response_channel, survey.entered_by_name) == ("phone", "agent")


def test_reopened_and_closed_again_gets_a_new_survey(world: World) -> None:
    wo = closed(world)
    old_token = link_token(wo)
    actions.reopen_work_order(actor=world.agent, work_order_id=wo.pk,
                              inputs=actions.ReopenInput(reason="未解决"))
    actions.handle_again(actor=world.handler, work_order_id=wo.pk,
                         inputs=actions.HandleAgainInput())
    actions.reply_to_customer(actor=world.handler, work_order_id=wo.pk,
                              inputs=actions.ReplyInput(result="再次处理", process_summary="复查",
                                                        measures="更换设备", suggestions="无",
                                                        cause_analysis="设备老化",
                                                        reply_channel="sms"))
    actions.close_work_order(actor=world.agent, work_order_id=wo.pk,
                             inputs=actions.CloseInput(is_confirmed_by_customer=True, satisfaction_score=5))
    assert Survey.objects.filter(work_order=wo).count() == 2
    with pytest.raises(Conflict):
        answer_survey_by_link(token=old_token, answers=GOOD)
    answer_survey_by_link(token=link_token(wo), answers=GOOD)


def test_results_by_every_grouping(world: World) -> None:
    orders = [closed(world, title=f"问题{n}") for n in range(4)]
    scores = [(5, True, 10), (4, True, 9), (2, False, 3)]
    for wo, (csat, resolved, nps) in zip(orders, scores, strict=False):
        answer_survey_by_link(token=link_token(wo),
                              answers=SurveyAnswers(csat=csat, is_resolved=resolved, nps=nps))
    for group in ("agent", "team", "unit", "category", "channel"):
        rows = survey_results(world.supervisor, group=group)
        assert sum(r.sent for r in rows) == 4 and sum(r.answered for r in rows) == 3
    [unit] = survey_results(world.supervisor, group="unit")
    assert unit.label == "广州市分公司" and unit.response_rate == 0.75
    assert unit.csat == pytest.approx(11 / 3)
    assert unit.resolved_rate == pytest.approx(2 / 3)
    assert unit.nps == pytest.approx(100 * (2 - 1) / 3)
    [channel] = survey_results(world.supervisor, group="channel")
    assert channel.label == "电话/呼叫中心"
    outsider, _ = make_staff("sz_supervisor", "supervisor", world.sibling)
    assert survey_results(outsider, group="unit") == []
    with pytest.raises(InvalidInput):
        survey_results(world.supervisor, group="weather")


def test_link_page_and_console(world: World) -> None:
    wo = closed(world)
    token = link_token(wo)
    anonymous = Client()
    page = anonymous.get(f"/portal/survey/{token}/")
    assert page.status_code == 200 and "服务评价" in page.content.decode()
    bad = anonymous.post(f"/portal/survey/{token}/", {"csat": "9", "is_resolved": "yes"})
    assert bad.status_code == 422
    done = anonymous.post(f"/portal/survey/{token}/", {"csat": "4", "is_resolved": "yes",
                                                       "nps": "8", "comment": "还行"})
    assert done.status_code == 200 and "感谢您的评价" in done.content.decode()
    again = anonymous.post(f"/portal/survey/{token}/", {"csat": "1", "is_resolved": "no"})
    assert again.status_code == 409
    assert "已提交或已过期" in anonymous.get(f"/portal/survey/{token}/").content.decode()
    assert anonymous.get("/portal/survey/not-a-token/").status_code == 404
    client = world.client_for("supervisor")
    report = client.get("/console/surveys/?group=agent").content.decode()
    assert "<svg" in report and "4.00" in report
    english = client.get("/console/surveys/?group=channel", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200 and "Response rate" in english.content.decode()
    detail = client.get(f"/console/work-orders/{wo.pk}/").content.decode()
    assert "满意度调查" in detail and "还行" in detail


def test_phone_entry_in_the_console_and_api(world: World) -> None:
    wo, other = closed(world), closed(world, title="话费争议")
    client = world.client_for("agent")
    assert "录入电话调查结果" in client.get(f"/console/work-orders/{wo.pk}/").content.decode()
    bad = client.post(f"/console/work-orders/{wo.pk}/survey/", {"csat": "", "is_resolved": ""})
    assert bad.status_code == 422
    client.post(f"/console/work-orders/{wo.pk}/survey/", {"csat": "3", "is_resolved": "no"})
    assert Survey.objects.get(work_order=wo).response_channel == "phone"
    answered = client.post(f"/api/work-orders/{other.pk}/survey",
                           {"csat": 5, "is_resolved": True, "nps": 10},
                           content_type="application/json")
    assert answered.status_code == 200 and answered.json()["response_channel"] == "phone"
    results = client.get("/api/surveys/results?group=unit").json()
    assert results[0]["answered"] == 2 and results[0]["response_rate"] == 1.0


def test_link_answer_through_the_api_needs_no_login(world: World) -> None:
    wo = closed(world)
    payload = {"token": link_token(wo), "csat": 4, "is_resolved": True}
    first = Client().post("/api/surveys/answers", payload, content_type="application/json")
    assert first.status_code == 200
    second = Client().post("/api/surveys/answers", payload, content_type="application/json")
    assert second.status_code == 409 and second["Content-Type"] == "application/problem+json"
    out_of_range = Client().post("/api/surveys/answers", {**payload, "csat": 7},
                                 content_type="application/json")
    assert out_of_range.status_code in (409, 422)


def test_archive_numbers(world: World) -> None:
    first, second = closed(world), closed(world, title="宽带慢")
    actions.archive_work_order(actor=world.archivist, work_order_id=first.pk,
                               inputs=actions.ArchiveInput())
    actions.archive_work_order(actor=world.archivist, work_order_id=second.pk,
                               inputs=actions.ArchiveInput())
    first.refresh_from_db()
    second.refresh_from_db()
    year = timezone.localtime().year
    assert re.fullmatch(rf"GD-{year}-\d{{8}}", first.archive_number)
    assert int(second.archive_number[-8:]) == int(first.archive_number[-8:]) + 1
    with pytest.raises(ArchivedRecord):
        actions.archive_work_order(actor=world.archivist, work_order_id=first.pk,
                                   inputs=actions.ArchiveInput())
    first.refresh_from_db()
    assert first.archive_number.endswith(first.archive_number[-8:])


def test_an_answer_never_touches_an_archived_record(world: World) -> None:
    wo = closed(world)
    actions.archive_work_order(actor=world.archivist, work_order_id=wo.pk,
                               inputs=actions.ArchiveInput())
    before = WorkOrder.objects.get(pk=wo.pk)
    answer_survey_by_link(token=link_token(wo), answers=GOOD)
    after = WorkOrder.objects.get(pk=wo.pk)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)


def test_anonymising_clears_what_the_customer_wrote(world: World) -> None:
    from kefu.archive.actions import run_retention

    wo = closed(world)
    answer_survey_by_link(token=link_token(wo), answers=SurveyAnswers(
        csat=2, is_resolved=False, nps=4, comment="张伟家里还是没信号"))
    actions.archive_work_order(actor=world.archivist, work_order_id=wo.pk,
                               inputs=actions.ArchiveInput())
    run_retention(now=timezone.now() + timedelta(days=4 * 366))
    survey = Survey.objects.get(work_order=wo)
    assert survey.comment == "" and (survey.csat, survey.nps) == (2, 4)  # figures kept

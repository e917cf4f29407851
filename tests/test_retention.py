"""Archived records are final; retention anonymises or purges them after the kept years,
unless a legal hold keeps them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kefu.archive.actions import lift_legal_hold, run_retention, set_legal_hold
from kefu.archive.models import RetentionPolicy
from kefu.audit.models import AuditEntry
from kefu.audit.queries import verify_audit_chain
from kefu.errors import Conflict, InvalidInput, PermissionRefused
from kefu.workorders import actions
from kefu.workorders.errors import ArchivedRecord
from kefu.workorders.models import TimelineEvent, WorkOrder
from tests.conftest import World, intake, requires_postgres

pytestmark = pytest.mark.django_db

REPLY = actions.ReplyInput(result="已处理", process_summary="核实处理", measures="整改",
                           suggestions="无", cause_analysis="配置错误", reply_channel="sms")


def archived(world: World, *, years_ago: float = 0, title: str = "张伟家中信号差") -> WorkOrder:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title=title))
    i = wo.pk
    actions.classify_work_order(actor=world.agent, work_order_id=i,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal",
                                                             handler_id=world.handler.staff_id))
    actions.start_investigation(actor=world.handler, work_order_id=i,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["interview"]))
    actions.start_processing(actor=world.handler, work_order_id=i,
                             inputs=actions.StartProcessingInput(
                                 findings="张伟所述属实", evidence_summary="通话录音",
                                 responsible_party="company", plan_type="repair",
                                 plan_description="调整天线"))
    actions.reply_to_customer(actor=world.handler, work_order_id=i, inputs=REPLY)
    actions.close_work_order(actor=world.agent, work_order_id=i,
                             inputs=actions.CloseInput(is_confirmed_by_customer=True,
                                                       satisfaction_score=4))
    actions.archive_work_order(actor=world.archivist, work_order_id=i,
                               inputs=actions.ArchiveInput())
    if years_ago:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL kefu.retention = 'on'")
            WorkOrder.objects.filter(pk=i).update(
                archived_at=timezone.now() - timedelta(days=365.25 * years_ago))
    return WorkOrder.objects.get(pk=i)


def test_anonymise_after_three_years_keeps_the_figures(world: World) -> None:
    old = archived(world, years_ago=3.1)
    recent = archived(world, years_ago=1)
    dry = run_retention(dry_run=True)
    assert dry.due == {"anonymise": 1} and dry.done == 0
    assert WorkOrder.objects.get(pk=old.pk).title == old.title
    stats = run_retention()
    assert stats.done == 1
    old.refresh_from_db()
    assert old.is_anonymised and old.title == "（已匿名化）" and old.contact_phone == ""
    assert old.satisfaction_score == 4 and old.category_id == world.category.pk
    assert not TimelineEvent.objects.filter(work_order=old).exclude(note="").exists()
    assert WorkOrder.objects.get(pk=recent.pk).title == recent.title
    assert AuditEntry.objects.filter(action="RETENTION_ANONYMISED").count() == 1
    assert verify_audit_chain().ok
    assert run_retention().done == 0  # nothing twice


def test_purge_by_kind_policy(world: World) -> None:
    RetentionPolicy.objects.create(work_order_kind="complaint", years=5, action="purge")
    four = archived(world, years_ago=4)
    six = archived(world, years_ago=6)
    assert run_retention().done == 1
    assert not WorkOrder.objects.filter(pk=six.pk).exists()
    assert WorkOrder.objects.filter(pk=four.pk).exists()


def test_legal_hold_keeps_a_record(world: World) -> None:
    old = archived(world, years_ago=4)
    with pytest.raises(PermissionRefused):
        set_legal_hold(actor=world.agent, work_order_id=old.pk, reason="诉讼中")
    with pytest.raises(InvalidInput):
        set_legal_hold(actor=world.manager, work_order_id=old.pk, reason="")
    set_legal_hold(actor=world.manager, work_order_id=old.pk, reason="客户提起诉讼")
    with pytest.raises(Conflict):
        set_legal_hold(actor=world.manager, work_order_id=old.pk, reason="再次保全")
    stats = run_retention()
    assert stats.held == 1 and stats.done == 0
    lift_legal_hold(actor=world.manager, work_order_id=old.pk, reason="诉讼已结束")
    assert run_retention().done == 1


def test_retention_shorter_than_three_years_is_refused() -> None:
    policy = RetentionPolicy(work_order_kind="consultation", years=2, action="purge")
    with pytest.raises(ValidationError):
        policy.full_clean()


def test_archived_record_refuses_change_through_every_path(world: World) -> None:
    wo = archived(world)
    with pytest.raises(ArchivedRecord):
        actions.add_note(actor=world.supervisor, work_order_id=wo.pk, note="改")
    client = world.client_for("supervisor")
    assert client.post(f"/console/work-orders/{wo.pk}/notes/",
                       {"note": "改"}).status_code == 409
    from kefu.api.tokens import issue_api_token
    from kefu.orgs.actors import SYSTEM

    token = issue_api_token(actor=SYSTEM, user=world.users["supervisor"], name="t")[1]
    from django.test import Client

    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    refused = api.post(f"/api/work-orders/{wo.pk}/assign",
                       data={"handler_id": world.handler.staff_id},
                       content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "archived"
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    admin = Client()
    admin.force_login(root)
    url = f"/admin/workorders/workorder/{wo.pk}/change/"
    assert admin.post(url, {"title": "篡改"}).status_code == 403
    assert WorkOrder.objects.get(pk=wo.pk).title == wo.title


@requires_postgres()
def test_postgres_refuses_direct_changes_to_archived_records(world: World) -> None:
    wo = archived(world)
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        WorkOrder.objects.filter(pk=wo.pk).update(title="篡改")
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        WorkOrder.objects.filter(pk=wo.pk).delete()


def test_command(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    archived(world, years_ago=3.5)
    call_command("retention", "run", "--dry-run")
    assert "would handle 1" in capsys.readouterr().out
    call_command("retention", "run")
    assert "handled 1" in capsys.readouterr().out


def test_legal_hold_through_the_api(world: World) -> None:
    from django.test import Client

    from kefu.api.tokens import issue_api_token
    from kefu.orgs.actors import SYSTEM

    wo = archived(world)
    manager = Client(HTTP_AUTHORIZATION="Bearer " + issue_api_token(
        actor=SYSTEM, user=world.users["manager"], name="m")[1])
    held = manager.post(f"/api/work-orders/{wo.pk}/legal-hold", data={"reason": "监管调查中"},
                        content_type="application/json")
    assert held.status_code == 201 and held.json()["lifted_at"] is None
    agent = Client(HTTP_AUTHORIZATION="Bearer " + issue_api_token(
        actor=SYSTEM, user=world.users["agent"], name="a")[1])
    assert agent.post(f"/api/work-orders/{wo.pk}/legal-hold/lift", data={"reason": "结束了"},
                      content_type="application/json").status_code == 403
    lifted = manager.post(f"/api/work-orders/{wo.pk}/legal-hold/lift",
                          data={"reason": "调查结束"}, content_type="application/json")
    assert lifted.status_code == 200 and lifted.json()["lifted_at"] is not None


def test_legal_hold_in_the_console(world: World) -> None:
    wo = archived(world)
    manager = world.client_for("manager")
    assert "设置保全" in manager.get(f"/console/work-orders/{wo.pk}/").content.decode()
    assert "设置保全" not in world.client_for("agent").get(
        f"/console/work-orders/{wo.pk}/").content.decode()
    assert manager.post(f"/console/work-orders/{wo.pk}/legal-hold/",
                        {"reason": ""}).status_code == 422
    manager.post(f"/console/work-orders/{wo.pk}/legal-hold/", {"reason": "客户提起诉讼"})
    page = manager.get(f"/console/work-orders/{wo.pk}/").content.decode()
    assert "法律保全中" in page and "解除保全" in page


def test_archive_review_queue_and_masked_export(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, kind="consultation"))
    actions.answer_consultation(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.AnswerInput(result="已解答", reply_channel="phone"))
    actions.close_work_order(actor=world.agent, work_order_id=wo.pk,
                             inputs=actions.CloseInput(is_confirmed_by_customer=True))
    archivist = world.client_for("archivist")
    queue = archivist.get("/console/?view=to_archive").content.decode()
    assert wo.number in queue
    page = archivist.get(f"/console/work-orders/{wo.pk}/").content.decode()
    assert "档案审查" in page and "分类" in page and "处理人员" in page  # category, handler missing
    done = archived(world)
    export = world.client_for("supervisor").get("/console/export.csv?status=archived")
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert export["Content-Type"].startswith("text/csv")
    assert done.number in body and done.archive_number in body and wo.number not in body
    assert "13812345678" not in body and "138****5678" in body
    assert AuditEntry.objects.filter(action="EXPORTED").count() == 1
    sibling = world.client_for("sibling_handler").get("/console/export.csv?status=archived")
    assert done.number not in b"".join(sibling.streaming_content).decode("utf-8-sig")


@requires_postgres()
def test_retention_over_100000_records_in_bounded_memory(world: World, settings: object,
                                                        tmp_path: object) -> None:
    import tracemalloc

    from kefu.seeding.bulk import load_bulk

    load_bulk(100_000, data_dir=tmp_path, batch_size=20_000,  # type: ignore[arg-type]
              progress=lambda _: None, ends=[("archived", 1)])
    assert WorkOrder.objects.filter(status="archived").count() >= 100_000
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL kefu.retention = 'on'")
        cursor.execute("UPDATE workorders_workorder SET archived_at = now() - interval '4 years'"
                       " WHERE status = 'archived'")
    tracemalloc.start()
    stats = run_retention()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert stats.done >= 100_000
    assert not WorkOrder.objects.filter(status="archived", is_anonymised=False).exists()
    assert peak < 64 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    assert AuditEntry.objects.filter(action="RETENTION_ANONYMISED").count() >= 100
    assert verify_audit_chain().ok

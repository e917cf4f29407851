"""Changes of business configuration are audited with before and after (SPEC §15): the
compensation approval thresholds, the return-visit sampling, the retention periods and the
time limits, as an administrator changes them in the admin site."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kefu.archive.models import RetentionPolicy
from kefu.audit.configuration import save_configuration
from kefu.audit.models import AuditEntry
from kefu.audit.queries import verify_audit_chain
from kefu.errors import PermissionRefused
from kefu.surveys.models import ReturnVisitPolicy
from kefu.workorders.models import CompensationApprovalRule
from tests.conftest import World

pytestmark = pytest.mark.django_db


def admin_client() -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client = Client()
    client.force_login(user)
    return client


def changes() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="CONFIGURATION_CHANGED").order_by("seq"))


def test_a_threshold_changed_in_the_admin_is_audited_before_and_after(world: World) -> None:
    rule = CompensationApprovalRule.objects.get(approver_role="supervisor")
    old = str(rule.amount_above)
    page = admin_client().post(
        f"/admin/workorders/compensationapprovalrule/{rule.pk}/change/",
        {"approver_role": "supervisor", "amount_above": "200.00"})
    assert page.status_code == 302
    rule.refresh_from_db()
    assert rule.amount_above == Decimal("200.00")
    [entry] = changes()
    assert entry.object_type == "workorders.compensationapprovalrule"
    assert entry.object_id == str(rule.pk) and entry.actor_name == "root"
    assert entry.data == {"created": False, "before": {"amount_above": old},
                          "after": {"amount_above": "200.00"}}
    assert verify_audit_chain().ok


def test_sampling_and_retention_policies_are_audited_when_added_and_deleted(
        world: World) -> None:
    client = admin_client()
    client.post("/admin/surveys/returnvisitpolicy/add/", {
        "unit": world.city.pk, "category": "", "normal_share": "50", "working_days": "2",
        "on_dissatisfied": "reopen"})
    policy = ReturnVisitPolicy.objects.get(unit=world.city)
    [added] = changes()
    assert added.data["created"] is True and added.data["after"]["normal_share"] == 50
    # Fewer than three years is refused by the form, and nothing is audited.
    RetentionPolicy.objects.filter(work_order_kind="").delete()
    refused = client.post("/admin/archive/retentionpolicy/add/", {
        "work_order_kind": "", "years": "2", "action": "anonymise"})
    assert refused.status_code == 200 and not RetentionPolicy.objects.exists()
    client.post(f"/admin/surveys/returnvisitpolicy/{policy.pk}/delete/", {"post": "yes"})
    assert not ReturnVisitPolicy.objects.filter(pk=policy.pk).exists()
    deleted = AuditEntry.objects.get(action="CONFIGURATION_DELETED")
    assert deleted.data["before"]["normal_share"] == 50 and deleted.data["after"] is None


def test_only_administrators_change_configuration_and_the_refusal_is_on_record(
        world: World) -> None:
    rule = CompensationApprovalRule.objects.get(approver_role="manager")
    rule.amount_above = Decimal("1")
    with pytest.raises(PermissionRefused):
        save_configuration(actor=world.supervisor, obj=rule)
    rule.refresh_from_db()
    assert rule.amount_above != Decimal("1")
    assert AuditEntry.objects.filter(action="CHANGE_REFUSED",
                                     data__change="save_configuration").exists()


def test_a_calendar_override_and_a_duty_supervisor_save_from_the_admin(world: World) -> None:
    client = admin_client()
    page = client.post("/admin/sla/calendaroverride/add/", {
        "day": "2027-03-01", "is_workday": "", "name": "台风", "notice": "市政府停工通知"})
    assert page.status_code == 302
    assert AuditEntry.objects.filter(action="CALENDAR_OVERRIDDEN").exists()
    page = client.post("/admin/escalation/dutysupervisor/add/", {
        "unit": world.city.pk, "staff": world.supervisor.staff_id})
    assert page.status_code == 302
    assert AuditEntry.objects.get(action="DUTY_SUPERVISOR_SET").data["after"] == \
        world.supervisor.staff_id

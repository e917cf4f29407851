"""Each app declares what retention does to its rows; the run finds the declarations through
the app registry, and every field a model marks personal is declared."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

import kefu
from kefu.archive.actions import run_retention
from kefu.archive.models import RetentionPolicy
from kefu.archive.retention import declared_rows
from kefu.audit.models import AuditEntry
from kefu.customers.crypto import EncryptedTextField
from kefu.retention import (
    Erase,
    Rows,
    Scrub,
    collect_declarations,
    coverage_problems,
    declaration_problems,
    personal_fields,
)
from kefu.surveys.models import ReturnVisit
from kefu.workorders import actions
from kefu.workorders.models import Attachment, WorkOrder
from tests.conftest import World, intake
from tests.test_retention import archived

# Models holding personal data that retention, which acts on archived work orders, does not
# reach, and why.
NOT_REACHED = {
    "customers.Customer": "a customer outlives any one work order: their other work orders, "
                          "the portal sign-in and the customer view still need the row",
    "notify.OutboxMessage": "notify's delivery record, keyed by a plain work order id: it keeps "
                            "the recipient and the text of each message sent",
}
KEFU = Path(kefu.__file__).parent


def personal(model: type[models.Model]) -> set[str]:
    """What a model marks personal, and every encrypted field: encrypting a value is already
    the judgement that it is personal."""
    return set(personal_fields(model)) | {
        f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)}


def kefu_imports(path: Path) -> dict[str, set[str]]:
    """The kefu modules a source file imports, with the names it takes from each."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kefu"):
            found.setdefault(node.module or "", set()).update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("kefu"):
                    found.setdefault(alias.name, set())
    return found


def test_the_run_finds_each_apps_declarations() -> None:
    declared = collect_declarations()
    assert {rows.model for rows in declared} >= {
        "workorders.WorkOrder", "workorders.TimelineEvent", "workorders.Reply",
        "workorders.Attachment", "escalation.Appeal", "surveys.Survey", "surveys.ReturnVisit"}
    from kefu.surveys import retention as surveys

    assert set(surveys.RETENTION) <= set(declared)


def test_an_app_without_declarations_adds_none() -> None:
    assert collect_declarations([apps.get_app_config("orgs")]) == ()  # no retention module
    assert collect_declarations([apps.get_app_config("archive")]) == ()  # the run, no RETENTION


def test_an_app_may_declare_only_its_own_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kefu.surveys.retention.RETENTION", (
        Rows("workorders.Reply", work_order="work_order_id", anonymise=Erase()),))
    with pytest.raises(ImproperlyConfigured,
                       match=r"kefu\.surveys\.retention declares workorders\.Reply"):
        collect_declarations()


def test_no_app_is_imported_to_find_its_declarations() -> None:
    assert kefu_imports(KEFU / "retention.py") == {}
    run = kefu_imports(KEFU / "archive" / "retention.py")
    assert set(run) <= {"kefu.archive.models", "kefu.audit.actions", "kefu.audit.choices",
                        "kefu.orgs.actors", "kefu.retention", "kefu.workorders.choices",
                        "kefu.workorders.models"}
    assert run["kefu.workorders.models"] == {"WorkOrder"}  # what is due, not what it holds
    holds = kefu_imports(KEFU / "archive" / "actions.py")
    assert not {m for m in holds if m.startswith(("kefu.escalation", "kefu.surveys"))}


def test_declarations_name_what_exists() -> None:
    assert declaration_problems(collect_declarations(), root=WorkOrder) == []


@pytest.mark.parametrize(("rows", "problem"), [
    (Rows("surveys.Survey", work_order="work_order_id", anonymise=Scrub(blank=("remark",))),
     "surveys.Survey: no field 'remark'"),
    (Rows("surveys.Sruvey", work_order="work_order_id", anonymise=Erase()),
     "surveys.Sruvey: no such model"),
    (Rows("surveys.Survey", work_order="unit_id", anonymise=Erase()),
     "surveys.Survey: 'unit_id' does not lead to workorders.WorkOrder"),
    (Rows("surveys.Survey", work_order="work_order__remark", anonymise=Erase()),
     "surveys.Survey: 'work_order__remark' does not lead to workorders.WorkOrder"),
    (Rows("surveys.Survey", work_order="work_order_id",
          anonymise=Scrub(empty_json=("comment",))),
     "surveys.Survey: 'comment' is a TextField, not a JSONField"),
    (Rows("surveys.Survey", work_order="work_order_id",
          anonymise=Scrub(blank=("comment",), placeholder=("comment",))),
     "surveys.Survey: 'comment' is overwritten twice"),
    (Rows("workorders.Attachment", work_order="work_order_id",
          anonymise=Scrub(blank=("original_name",)), files=("file",)),
     "workorders.Attachment: file 'file' is removed, but the row keeps it"),
    (Rows("workorders.WorkOrder", work_order="pk", anonymise=Scrub(), unlink=("unit",)),
     "workorders.WorkOrder: 'unit' is no nullable reference to workorders.WorkOrder"),
])
def test_a_wrong_declaration_is_reported(rows: Rows, problem: str) -> None:
    assert declaration_problems([rows], root=WorkOrder) == [problem]


def test_a_path_through_a_parent_leads_to_the_work_order() -> None:
    rows = Rows("sla.DeadlineExtension", work_order="clock__work_order_id",
                anonymise=Scrub(blank=("reason",)))
    assert declaration_problems([rows], root=WorkOrder) == []


def test_every_personal_field_is_anonymised_or_purged() -> None:
    assert coverage_problems(apps.get_models(), collect_declarations(), personal=personal,
                             exempt=NOT_REACHED) == []


def test_a_personal_field_no_declaration_covers_is_reported() -> None:
    declared = [r for r in collect_declarations() if r.model != "surveys.Survey"]
    assert coverage_problems(apps.get_models(), declared, personal=personal,
                             exempt=NOT_REACHED) == [
        "surveys.Survey.comment is personal, but anonymising leaves it"]


def test_a_mark_naming_no_field_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ReturnVisit, "PERSONAL_FIELDS", ("comment", "remark"))
    assert coverage_problems(apps.get_models(), collect_declarations(), personal=personal,
                             exempt=NOT_REACHED) == [
        "surveys.ReturnVisit: marks 'remark' personal, but has no such field"]


def test_an_encrypted_field_is_personal_without_a_mark() -> None:
    problems = coverage_problems(apps.get_models(), collect_declarations(), personal=personal,
                                 exempt={"customers.Customer": "kept"})
    assert problems == [f"notify.OutboxMessage.{name} is personal, but anonymising leaves it"
                        for name in ("recipient", "sealed_body", "sealed_secrets")]


def test_an_exemption_of_no_model_is_reported() -> None:
    assert coverage_problems(apps.get_models(), collect_declarations(), personal=personal,
                             exempt={**NOT_REACHED, "customers.Account": "gone"}) == [
        "customers.Account: exempt, but no such model"]


def test_a_wrong_declaration_stops_the_run_before_any_change(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    old = archived(world, years_ago=4)
    monkeypatch.setattr("kefu.surveys.retention.RETENTION", (
        Rows("surveys.Survey", work_order="work_order_id", anonymise=Scrub(blank=("remark",))),))
    with pytest.raises(ImproperlyConfigured, match="no field 'remark'"):
        run_retention(dry_run=True)
    with pytest.raises(ImproperlyConfigured):
        run_retention()
    assert WorkOrder.objects.get(pk=old.pk).title == old.title


def stored_attachment(wo: WorkOrder) -> str:
    name = default_storage.save("attachments/2022/01/id.png", ContentFile(b"\x89PNG"))
    Attachment.objects.create(work_order=wo, file=name, original_name="张伟身份证.png",
                              content_type="image/png", size=4, sha256="0" * 64,
                              uploaded_at=timezone.now(), uploaded_by_name="agent")
    return name


def test_anonymising_leaves_nothing_a_declaration_names(
        world: World, settings: Any, tmp_path: Path,
        django_capture_on_commit_callbacks: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    old = archived(world, years_ago=4)
    name = stored_attachment(old)
    declared = declared_rows()
    assert all(d.of([old.pk]).exists() for d in declared
               if d.model._meta.app_label == "workorders")
    with django_capture_on_commit_callbacks(execute=True):
        assert run_retention().done == 1
    for d in declared:
        if isinstance(d.rows.anonymise, Erase):
            assert not d.of([old.pk]).exists(), d.rows.model
            continue
        values = d.rows.anonymise.values()
        for row in d.of([old.pk]):
            assert {f: getattr(row, f) for f in values} == values, d.rows.model
    assert not default_storage.exists(name)
    assert AuditEntry.objects.filter(action="RETENTION_ANONYMISED").count() == 1


def test_purging_leaves_no_declared_row(world: World, settings: Any, tmp_path: Path,
                                        django_capture_on_commit_callbacks: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    RetentionPolicy.objects.update(action="purge")
    old = archived(world, years_ago=4)
    name = stored_attachment(old)
    duplicate, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    WorkOrder.objects.filter(pk=duplicate.pk).update(merged_into=old)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_retention().done == 1
    assert not WorkOrder.objects.filter(pk=old.pk).exists()
    assert not any(d.of([old.pk]).exists() for d in declared_rows())
    assert WorkOrder.objects.get(pk=duplicate.pk).merged_into_id is None
    assert not default_storage.exists(name)
    assert AuditEntry.objects.filter(action="RETENTION_PURGED").count() == 1

"""The audit log: every change appends a link; tampering is found; PostgreSQL refuses edits."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from kefu.audit.models import AuditEntry
from kefu.audit.queries import list_audit_entries, verify_audit_chain
from kefu.errors import PermissionRefused
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from tests.conftest import World, requires_postgres

pytestmark = pytest.mark.django_db


def tamper(sql: str, params: list[object]) -> None:
    """Change the log behind the application's back, as a person with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")


def test_chain_verifies_after_changes(world: World, complaint: WorkOrder) -> None:
    actions.add_note(actor=world.agent, work_order_id=complaint.pk, note="客户来电催办")
    result = verify_audit_chain()
    assert result.ok and result.rows == AuditEntry.objects.count() >= 3
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_edited_row_is_found(world: World, complaint: WorkOrder) -> None:
    entry = AuditEntry.objects.get(action="WORK_ORDER_CREATED")
    tamper("UPDATE audit_auditentry SET data = %s WHERE id = %s", ['{"kind": "consultation"}',
                                                                   entry.pk])
    result = verify_audit_chain()
    assert not result.ok and result.broken_seq == entry.seq
    with pytest.raises(CommandError, match=f"BROKEN at row {entry.seq}"):
        call_command("audit", "verify")


def test_deleted_row_is_found(world: World, complaint: WorkOrder) -> None:
    actions.add_note(actor=world.agent, work_order_id=complaint.pk, note="备注")
    middle = AuditEntry.objects.order_by("seq")[1]
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [middle.pk])
    result = verify_audit_chain()
    assert not result.ok and result.broken_seq == middle.seq


def test_deleted_tail_is_found(world: World, complaint: WorkOrder) -> None:
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [last.pk])
    assert not verify_audit_chain().ok


@requires_postgres()
def test_postgres_refuses_update_and_delete(world: World, complaint: WorkOrder) -> None:
    entry = AuditEntry.objects.first()
    assert entry is not None
    for statement in ("UPDATE audit_auditentry SET action = 'X' WHERE id = %s",
                      "DELETE FROM audit_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert verify_audit_chain().ok


def test_only_auditors_read_the_log(world: World, complaint: WorkOrder) -> None:
    assert list_audit_entries(world.auditor).count() >= 1
    with pytest.raises(PermissionRefused):
        list_audit_entries(world.agent)


@pytest.mark.django_db(transaction=True)
def test_kefu_command_prints_ok(world: World, complaint: WorkOrder) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kefu.settings"}
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    else:
        # Point the child at the test database file through its data directory.
        name = connection.settings_dict["NAME"]
        assert name.endswith("test-kefu.sqlite3")
        link = os.path.join(os.path.dirname(name), "kefu.sqlite3")
        if not os.path.exists(link):
            os.symlink(name, link)
    kefu = os.path.join(os.path.dirname(sys.executable), "kefu")
    done = subprocess.run([kefu, "audit", "verify"], env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"OK {AuditEntry.objects.count()} rows"
    tamper("UPDATE audit_auditentry SET actor_name = 'someone' WHERE seq = 1", [])
    broken = subprocess.run([kefu, "audit", "verify"], env=env, capture_output=True, text=True,
                            check=False)
    assert broken.returncode == 1 and "BROKEN at row 1" in broken.stderr

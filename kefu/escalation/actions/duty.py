"""Who supervises for a unit: its duty supervisor, a configuration audited like any other."""

from __future__ import annotations

from django.db import transaction

from kefu.audit.actions import record_audit
from kefu.audit.choices import AuditAction
from kefu.audit.refusals import audits_refusals
from kefu.errors import InvalidInput
from kefu.escalation.models import DutySupervisor
from kefu.escalation.permissions import can_configure_supervision
from kefu.orgs.actors import Actor
from kefu.orgs.models import OrgUnit, Staff


@audits_refusals
@transaction.atomic(durable=True)
def set_duty_supervisor(*, actor: Actor, unit_id: int, staff_id: int | None) -> None:
    """Name (or, with None, clear) the person of the unit who supervises what it takes over;
    the audit entry keeps who it was before and after."""
    can_configure_supervision(actor).enforce()
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise InvalidInput("单位不存在", "No such unit", fields={"unit_id": ["不存在 / unknown"]})
    current = DutySupervisor.objects.select_for_update().filter(unit=unit).first()
    before = current.staff_id if current else None
    if staff_id is None:
        DutySupervisor.objects.filter(unit=unit).delete()
    else:
        if not Staff.objects.filter(pk=staff_id, unit=unit).exists():
            raise InvalidInput("值班主管须是该单位的员工", "The duty supervisor works in the unit",
                               fields={"staff_id": ["不在该单位 / not in the unit"]})
        DutySupervisor.objects.update_or_create(unit=unit, defaults={"staff_id": staff_id})
    record_audit(actor=actor, action=AuditAction.DUTY_SUPERVISOR_SET, object_type="org_unit",
                 object_id=unit.pk, data={"before": before, "after": staff_id})

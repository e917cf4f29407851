"""What escalation adds to the work order's lifecycle (see `kefu.workorders.reactions`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kefu.errors import Conflict
from kefu.escalation.actions import open_breach_supervision, supervise_serious, take_appeal
from kefu.escalation.models import Appeal, CoHandlingTask
from kefu.escalation.queries import count_open_subtasks, open_appeal_of
from kefu.orgs.actors import Actor
from kefu.workorders import reactions
from kefu.workorders.choices import Severity, WorkOrderKind
from kefu.workorders.models import WorkOrder


@reactions.guard("reply")
def wait_for_co_handling(wo: WorkOrder, actor: Actor) -> None:
    """001 §3.4.3: the work order waits for every co-handling department before the reply."""
    if open_subtasks := count_open_subtasks(wo):
        raise Conflict(f"还有 {open_subtasks} 个协办任务未完成，不能答复",
                       f"{open_subtasks} co-handling task(s) are still open",
                       detail={"open_subtasks": open_subtasks})


@reactions.guard("archive")
def keep_while_appealed(wo: WorkOrder, actor: Actor) -> None:
    """SPEC §15: the original complaint is not archived while an appeal of it is open — the
    appeal may still reopen or correct what the record says."""
    if open_appeal := open_appeal_of(wo):
        raise Conflict(f"申诉 {open_appeal} 处理中，原工单暂不能归档",
                       f"Appeal {open_appeal} is open: the original cannot be archived yet",
                       detail={"appeal": open_appeal})


@reactions.after("classify")
def supervise_when_serious(wo: WorkOrder, actor: Actor) -> None:
    """A major or urgent complaint is supervised by the superior unit from the moment it is
    classified so (001 §3.1.4, §3.3.3)."""
    if wo.severity != Severity.NORMAL and wo.kind in (WorkOrderKind.COMPLAINT,
                                                       WorkOrderKind.APPEAL):
        supervise_serious(wo, actor)


@reactions.widens_scope
def co_handled_by(units: list[int]) -> QuerySet[Any, Any]:
    """Staff see the work their units' departments co-handle (协办), wherever it is."""
    return CoHandlingTask.objects.filter(department__unit_id__in=units).values("work_order_id")


@reactions.widens_scope_of
def co_handling_units(work_orders: list[WorkOrder]) -> dict[int, set[int]]:
    """The units whose departments co-handle these work orders (the other direction of
    `co_handled_by`)."""
    units: dict[int, set[int]] = {}
    for wo_id, unit_id in (CoHandlingTask.objects
                           .filter(work_order_id__in=[wo.pk for wo in work_orders])
                           .values_list("work_order_id", "department__unit_id")):
        units.setdefault(wo_id, set()).add(unit_id)
    return units


reactions.after_breaches(open_breach_supervision)
reactions.takes_appeals(take_appeal)


@reactions.adds_search_text
def appeal_case_numbers(work_orders: list[WorkOrder]) -> dict[int, list[str]]:
    """An appeal is found by the regulator's case number and the customer's reason."""
    found: dict[int, list[str]] = {}
    if not (appeals := [wo.pk for wo in work_orders if wo.kind == WorkOrderKind.APPEAL]):
        return found
    for wo_id, external_number, reason in (
            Appeal.objects.filter(work_order_id__in=appeals)
            .values_list("work_order_id", "external_number", "reason")):
        found[wo_id] = [t for t in (external_number, reason) if t]
    return found

"""Steps the escalation actions share."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model

from kefu.errors import NotFound
from kefu.notify.actions import enqueue_message
from kefu.notify.choices import MessageChannel
from kefu.orgs.actors import Actor
from kefu.orgs.models import Staff
from kefu.workorders.actions import lock_work_order
from kefu.workorders.models import WorkOrder

Row = TypeVar("Row", bound=Model)


def touch(wo: WorkOrder) -> None:
    """A change beside the work order's own fields still bumps its version."""
    wo.version += 1
    wo.save(update_fields=["version", "updated_at"])


def tell_staff(staff_id: int | None, template: str, wo: WorkOrder, **context: str) -> None:
    """An e-mail to a member of staff about a work order, when they have an address."""
    email = (Staff.objects.filter(pk=staff_id).values_list("user__email", flat=True).first()
             if staff_id else None)
    if email:
        enqueue_message(channel=MessageChannel.EMAIL, recipient=email, template=template,
                        context={"number": wo.number, **context}, work_order_id=wo.pk)


def lock_with_work_order(actor: Actor, model: type[Row], pk: int, missing: NotFound,
                         *related: str) -> tuple[WorkOrder, Row]:
    """A row that belongs to a work order, locked after its work order (the order every action
    takes them in): the work order in the actor's scope and not archived, or `missing`."""
    parent = model._default_manager.filter(pk=pk).values_list(
        "work_order_id", flat=True).first()
    if parent is None:
        raise missing
    wo = lock_work_order(actor, parent, None)
    row = model._default_manager.select_for_update().select_related(*related).get(pk=pk)
    return wo, row

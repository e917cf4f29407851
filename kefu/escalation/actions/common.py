"""Steps the escalation actions share."""

from __future__ import annotations

from kefu.notify.actions import enqueue_message
from kefu.notify.choices import MessageChannel
from kefu.orgs.models import Staff
from kefu.workorders.models import WorkOrder

REQUIRED = "必填 / required"


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

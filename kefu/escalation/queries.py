"""Reads of the supervision ledger, through the actor's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.escalation.models import SupervisionEntry
from kefu.orgs.actors import Actor
from kefu.orgs.queries import unit_ids_in_scope
from kefu.workorders.queries import scoped_work_orders


def list_open_supervision(actor: Actor) -> QuerySet[SupervisionEntry]:
    """Open entries supervised by a unit in scope, or about work orders in scope."""
    from django.db.models import Q

    return (SupervisionEntry.objects.filter(closed_at__isnull=True)
            .filter(Q(supervising_unit_id__in=unit_ids_in_scope(actor))
                    | Q(work_order__in=scoped_work_orders(actor)))
            .select_related("work_order", "supervising_unit").order_by("due_at"))

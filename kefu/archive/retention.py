"""The retention run (decision 0010): archived work orders past their kept years are
anonymised or purged in batches, skipping legal holds. What happens to each row is declared by
the app that owns it (`kefu.retention`); the run knows only which work orders are due."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from kefu.archive.models import LegalHold, RetentionAction, RetentionPolicy
from kefu.audit.actions import record_audit
from kefu.audit.choices import AuditAction
from kefu.orgs.actors import SYSTEM
from kefu.retention import Erase, Rows, collect_declarations, declaration_problems
from kefu.workorders.choices import WorkOrderStatus
from kefu.workorders.models import WorkOrder

AUDIT_ACTIONS: dict[str, AuditAction] = {
    RetentionAction.ANONYMISE: AuditAction.RETENTION_ANONYMISED,
    RetentionAction.PURGE: AuditAction.RETENTION_PURGED,
}


@dataclass
class RetentionStats:
    due: dict[str, int] = field(default_factory=dict)  # action → work orders past retention
    held: int = 0
    done: int = 0


@dataclass(frozen=True)
class Declared:
    """One app's declaration with its model looked up, for the length of a run."""

    model: type[models.Model]
    rows: Rows

    def of(self, ids: list[int]) -> QuerySet[Any]:
        """The declared rows of these work orders."""
        return self.model._default_manager.filter(**{f"{self.rows.work_order}__in": ids})

    def stored_files(self, ids: list[int]) -> list[str]:
        """Names of the files these rows keep in storage."""
        return [name for file_field in self.rows.files
                for name in self.of(ids).values_list(file_field, flat=True) if name]


def declared_rows() -> list[Declared]:
    """The installed apps' declarations, refused as a whole if any is wrong: a run that
    cleared some apps' rows and not others' would look done and not be."""
    declarations = collect_declarations()
    problems = declaration_problems(declarations, root=WorkOrder)
    if problems:
        raise ImproperlyConfigured("retention declarations: " + "; ".join(problems))
    return [Declared(apps.get_model(rows.model), rows) for rows in declarations]


def years_before(moment: datetime, years: int) -> datetime:
    """The same calendar instant `years` earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def _due_orders(policy: RetentionPolicy, kinds_with_own: set[str],
                now: datetime) -> QuerySet[WorkOrder]:
    cutoff = years_before(now, policy.years)
    qs = WorkOrder.objects.filter(status=WorkOrderStatus.ARCHIVED, archived_at__lt=cutoff,
                                  is_anonymised=False)
    if policy.work_order_kind:
        return qs.filter(kind=policy.work_order_kind)
    return qs.exclude(kind__in=kinds_with_own)


def run_retention(*, dry_run: bool = False, now: datetime | None = None,
                  batch: int = 1000) -> RetentionStats:
    """Anonymise or purge archived work orders past their retention, skipping legal holds,
    in batches so memory stays flat however many there are. A dry run only counts."""
    now = now or timezone.now()
    declared = declared_rows()  # before counting, so a dry run shows a broken declaration too
    stats = RetentionStats()
    policies = list(RetentionPolicy.objects.all())
    kinds_with_own = {p.work_order_kind for p in policies if p.work_order_kind}
    held_ids = LegalHold.objects.filter(lifted_at__isnull=True).values("work_order_id")
    for policy in policies:
        due = _due_orders(policy, kinds_with_own, now)
        stats.held += due.filter(id__in=held_ids).count()
        due = due.exclude(id__in=held_ids)
        stats.due[policy.action] = stats.due.get(policy.action, 0) + due.count()
        if dry_run:
            continue
        last_id = 0
        while True:
            ids = list(due.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)
                       [:batch])
            if not ids:
                break
            last_id = ids[-1]
            stats.done += _apply(policy, ids, declared)
    return stats


@transaction.atomic
def _apply(policy: RetentionPolicy, ids: list[int], declared: Sequence[Declared]) -> int:
    """One batch in one transaction, recorded in the audit log with its counts."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the archive trigger lets this transaction act
            cursor.execute("SET LOCAL kefu.retention = 'on'")
    stored = [name for d in declared for name in d.stored_files(ids)]
    if policy.action == RetentionAction.PURGE:
        done = _purge(ids, declared)
    else:
        _anonymise(ids, declared)
        done = len(ids)
    if stored:
        transaction.on_commit(lambda: _delete_files(stored))
    record_audit(actor=SYSTEM, action=AUDIT_ACTIONS[policy.action],
                 object_type="work_order", object_id=f"{ids[0]}-{ids[-1]}",
                 data={"count": len(ids), "kind": policy.work_order_kind or "*",
                       "years": policy.years})
    return done


def _anonymise(ids: list[int], declared: Sequence[Declared]) -> None:
    for d in declared:
        if isinstance(d.rows.anonymise, Erase):
            d.of(ids).delete()
        else:
            d.of(ids).update(**d.rows.anonymise.values())


def _purge(ids: list[int], declared: Sequence[Declared]) -> int:
    """Delete the declared rows, then the work orders with whatever else cascades from them;
    returns how many work orders went."""
    for d in declared:
        for name in d.rows.unlink:
            d.model._default_manager.filter(**{f"{name}__in": ids}).update(**{name: None})
    deleted: Counter[str] = Counter()
    # Rows that belong to a work order go before it: a reference that protects it would
    # refuse its deletion.
    for d in sorted(declared, key=lambda d: d.model is WorkOrder):
        deleted.update(d.of(ids).delete()[1])
    deleted.update(WorkOrder.objects.filter(pk__in=ids).delete()[1])
    return min(deleted[WorkOrder._meta.label], len(ids))


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)

"""Who I am and what I may do, categories and org units."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kefu.api.auth import actor_of
from kefu.api.schemas import CategoryOut, ExtensionOut, PlanDecisionIn, UnitOut
from kefu.orgs.models import OrgUnit
from kefu.orgs.permissions import Capability, has_capability
from kefu.orgs.queries import list_units_in_scope
from kefu.sla.extensions import decide_deadline_extension
from kefu.sla.models import DeadlineExtension
from kefu.sla.queries import ComplianceRow, sla_compliance
from kefu.workorders.models import Category
from kefu.workorders.queries import ReopenRate, list_categories, reopen_rate

router = Router()


class MeOut(Schema):
    role: str
    name: str
    unit_id: int | None
    capabilities: list[str]


@router.get("/me", response=MeOut, summary="Who I am and which capabilities I hold")
def me(request: HttpRequest) -> dict[str, object]:
    """A client shows only what the holder may do, from the same table the actions enforce;
    the rest (state, ownership) the action answers with its refusal."""
    actor = actor_of(request)
    return {"role": str(actor.role), "name": actor.name, "unit_id": actor.unit_id,
            "capabilities": [c.value for c in Capability if has_capability(actor.role, c)]}


@router.get("/categories", response=list[CategoryOut], summary="Complaint categories")
def categories(request: HttpRequest) -> list[Category]:
    return list(list_categories())


@router.get("/org-units", response=list[UnitOut], summary="Org units in my scope")
def org_units(request: HttpRequest) -> list[OrgUnit]:
    return list(list_units_in_scope(actor_of(request)))


class PeriodQuery(Schema):
    since: datetime
    until: datetime | None = None


class ReopenRateOut(Schema):
    reopened: int
    closed: int
    rate: float | None


@router.get("/reopen-rate", response=ReopenRateOut,
            summary="Reopened complaints ÷ closed complaints over a period, in my scope")
def reopens(request: HttpRequest, q: Query[PeriodQuery]) -> ReopenRate:
    return reopen_rate(actor_of(request), since=q.since, until=q.until)


class ComplianceQuery(Schema):
    group: str = "clock"
    received_from: datetime | None = None
    received_to: datetime | None = None


class ComplianceOut(Schema):
    key: str
    label: str
    met: int
    breached: int
    running_late: int
    rate: float | None


@router.get("/sla/compliance", response=list[ComplianceOut],
            summary="SLA compliance per clock kind, unit or category, in my scope")
def compliance(request: HttpRequest, q: Query[ComplianceQuery]) -> list[ComplianceRow]:
    return sla_compliance(actor_of(request), group=q.group, since=q.received_from,
                          until=q.received_to)


@router.post("/sla/extensions/{extension_id}/decision", response=ExtensionOut,
             summary="Approve or reject a deadline extension (management)")
def decide_extension(request: HttpRequest, extension_id: int,
                     payload: PlanDecisionIn) -> DeadlineExtension:
    return decide_deadline_extension(actor=actor_of(request), extension_id=extension_id,
                                     is_approved=payload.is_approved, note=payload.note)

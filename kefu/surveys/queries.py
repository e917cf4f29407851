"""Reading surveys and return visits: one survey by its link, the latest of a work order, the
results by agent, team, unit, category or channel within the actor's scope, the return
visits' figures per unit, and the reopen proposals awaiting a supervisor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from kefu.errors import InvalidInput, NotFound
from kefu.orgs.actors import Actor
from kefu.orgs.queries import list_units_in_scope
from kefu.surveys.links import survey_id_from_token
from kefu.surveys.models import (
    ProposalStatus,
    ReopenProposal,
    ReturnVisit,
    Survey,
    VisitStatus,
)
from kefu.workorders.choices import Channel
from kefu.workorders.models import WorkOrder
from kefu.workorders.queries import scoped_work_orders

GROUPS = ("agent", "team", "unit", "category", "channel")


def find_survey_by_token(token: str) -> Survey:
    """The survey a link names, to show its form; answering checks everything again."""
    survey_id, nonce = survey_id_from_token(token)
    survey = (Survey.objects.select_related("work_order")
              .filter(pk=survey_id, nonce=nonce).first())
    if survey is None:
        raise NotFound("调查链接无效", "This survey link is not valid")
    return survey


def latest_survey(wo: WorkOrder) -> Survey | None:
    return Survey.objects.filter(work_order=wo).order_by("-sent_at").first()


def is_survey_open(survey: Survey | None) -> bool:
    return (survey is not None and survey.responded_at is None
            and survey.expires_at > timezone.now())


@dataclass(frozen=True)
class SurveyRow:
    key: str
    label: str
    sent: int
    answered: int
    csat: float | None
    resolved: int
    promoters: int
    detractors: int
    nps_answers: int

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None

    @property
    def resolved_rate(self) -> float | None:
        return self.resolved / self.answered if self.answered else None

    @property
    def nps(self) -> float | None:
        """Net promoter score, −100 to 100: share of 9–10 less share of 0–6."""
        if not self.nps_answers:
            return None
        return 100 * (self.promoters - self.detractors) / self.nps_answers


_FIELDS = {
    "agent": ("agent", "agent__display_name"),
    "team": ("team", "team__name"),
    "unit": ("unit", "unit__name"),
    "category": ("category", "category__name"),
    "channel": ("channel", "channel"),
}


def survey_results(actor: Actor, *, group: str, since: datetime | None = None,
                   until: datetime | None = None) -> list[SurveyRow]:
    """Surveys sent in [since, until) for work orders of units in the actor's scope."""
    if group not in _FIELDS:
        raise InvalidInput("分组取值无效", "Unknown grouping",
                           fields={"group": [" | ".join(GROUPS)]})
    key, label = _FIELDS[group]
    surveys = Survey.objects.filter(unit__in=list_units_in_scope(actor))
    if since:
        surveys = surveys.filter(sent_at__gte=since)
    if until:
        surveys = surveys.filter(sent_at__lt=until)
    names = ({"team": ("team__unit__name",)}.get(group, ()))
    rows = (surveys.values(key, label, *names)
            .annotate(sent=Count("id"),
                      answered=Count("id", filter=Q(responded_at__isnull=False)),
                      csat=Avg("csat"),
                      resolved=Count("id", filter=Q(is_resolved=True)),
                      promoters=Count("id", filter=Q(nps__gte=9)),
                      detractors=Count("id", filter=Q(nps__lte=6)),
                      nps_answers=Count("nps"))
            .order_by(label))
    return [SurveyRow(key=str(r[key]), label=_label(group, r, label), sent=r["sent"],
                      answered=r["answered"], csat=r["csat"], resolved=r["resolved"],
                      promoters=r["promoters"], detractors=r["detractors"],
                      nps_answers=r["nps_answers"]) for r in rows]


def _label(group: str, row: dict[str, object], label: str) -> str:
    if row[label] is None:
        return "—"
    if group == "channel":
        labels = dict(Channel.choices)
        return str(labels.get(str(row[label]), row[label]))
    if group == "team":
        return f"{row['team__unit__name']} · {row[label]}"
    return str(row[label])


def pending_visit_ids() -> QuerySet[ReturnVisit, Any]:
    """The work orders whose return visit is still to be made, as a subquery of their ids."""
    return ReturnVisit.objects.filter(status=VisitStatus.PENDING).values("work_order_id")


def latest_visit(wo: WorkOrder) -> ReturnVisit | None:
    """The visit of the work order's latest closure, the one still to be made if any."""
    return (ReturnVisit.objects.filter(work_order=wo).order_by("-scheduled_at", "-id")
            .first())


def list_reopen_proposals_of(wo: WorkOrder) -> list[ReopenProposal]:
    return list(ReopenProposal.objects.filter(work_order=wo).order_by("proposed_at", "id"))


def list_pending_reopen_proposals(actor: Actor) -> QuerySet[ReopenProposal]:
    """Reopens proposed by return visits, awaiting a decision, on work orders in scope,
    oldest first."""
    return (ReopenProposal.objects
            .filter(status=ProposalStatus.PENDING, work_order__in=scoped_work_orders(actor))
            .select_related("work_order")
            .order_by("proposed_at", "id"))


@dataclass(frozen=True)
class VisitRow:
    """One unit's return-visit tasks of a period and what became of them."""

    key: str
    label: str
    tasks: int
    reached: int
    unreachable: int
    pending: int
    satisfied: int
    resolved: int
    proposals: int

    @property
    def response_rate(self) -> float | None:
        """Visits that reached the customer ÷ return-visit tasks of the period (SPEC §15):
        the visits the rule asked for, not every closed work order."""
        return self.reached / self.tasks if self.tasks else None

    @property
    def resolved_rate(self) -> float | None:
        return self.resolved / self.reached if self.reached else None


def return_visit_figures(actor: Actor, *, since: datetime | None = None,
                         until: datetime | None = None) -> list[VisitRow]:
    """Return-visit tasks scheduled in [since, until) per unit in the actor's scope. A task
    cancelled because its work order was reopened before the call is no task any more."""
    visits = ReturnVisit.objects.filter(unit__in=list_units_in_scope(actor)).exclude(
        status=VisitStatus.CANCELLED)
    if since:
        visits = visits.filter(scheduled_at__gte=since)
    if until:
        visits = visits.filter(scheduled_at__lt=until)
    done = Q(status=VisitStatus.DONE)

    def visits_where(condition: Q | None = None) -> Count:
        # Distinct: the join to the proposals must not count a visit twice.
        return Count("id", filter=condition, distinct=True)

    rows = (visits.values("unit", "unit__name")
            .annotate(tasks=visits_where(), reached=visits_where(done),
                      unreachable=visits_where(Q(status=VisitStatus.UNREACHABLE)),
                      pending=visits_where(Q(status=VisitStatus.PENDING)),
                      satisfied=visits_where(done & Q(is_satisfied=True)),
                      resolved=visits_where(done & Q(is_resolved=True)),
                      proposed=Count("proposals", distinct=True))
            .order_by("unit__name"))
    return [VisitRow(key=str(r["unit"]), label=r["unit__name"], tasks=r["tasks"],
                     reached=r["reached"], unreachable=r["unreachable"], pending=r["pending"],
                     satisfied=r["satisfied"], resolved=r["resolved"],
                     proposals=r["proposed"]) for r in rows]

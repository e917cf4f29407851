"""Reading surveys and return visits: one survey by its link, the latest of a work order, and
the results by agent, team, unit, category or channel within the actor's scope."""

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
from kefu.surveys.models import ReturnVisit, Survey, VisitStatus
from kefu.workorders.choices import Channel
from kefu.workorders.models import WorkOrder

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

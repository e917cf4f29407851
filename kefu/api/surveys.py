"""Satisfaction surveys: answered by the link's token, results by agent, team, unit, category
or channel; return visits' figures per unit, and the reopens they proposed, decided by a
supervisor."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kefu.api.auth import actor_of
from kefu.surveys.actions import SurveyAnswers, answer_survey_by_link
from kefu.surveys.models import ReopenProposal, Survey
from kefu.surveys.proposals import decide_reopen_proposal
from kefu.surveys.queries import (
    SurveyRow,
    VisitRow,
    list_pending_reopen_proposals,
    return_visit_figures,
    survey_results,
)

router = Router()


class SurveyAnswersIn(Schema):
    csat: int = Field(description="满意度 1–5 / satisfaction 1–5")
    is_resolved: bool
    nps: int | None = Field(None, description="推荐意愿 0–10 / likelihood to recommend 0–10")
    comment: str = Field("", max_length=2000)

    def answers(self) -> SurveyAnswers:
        return SurveyAnswers(csat=self.csat, is_resolved=self.is_resolved, nps=self.nps,
                             comment=self.comment)


class SurveyLinkAnswerIn(SurveyAnswersIn):
    token: str = Field(max_length=200, description="the token of the survey link")


class SurveyOut(Schema):
    id: int
    sent_at: datetime
    expires_at: datetime
    responded_at: datetime | None
    response_channel: str
    csat: int | None
    is_resolved: bool | None
    nps: int | None
    comment: str


class ResultsQuery(Schema):
    group: str = Field("unit", description="agent | team | unit | category | channel")
    sent_from: datetime | None = None
    sent_to: datetime | None = None


class SurveyRowOut(Schema):
    key: str
    label: str
    sent: int
    answered: int
    response_rate: float | None
    csat: float | None
    resolved_rate: float | None
    nps: float | None


@router.post("/answers", response=SurveyOut, auth=None,
             summary="Answer a survey with the token of its link (once, before it expires)")
def answer_by_link(request: HttpRequest, payload: SurveyLinkAnswerIn) -> Survey:
    return answer_survey_by_link(token=payload.token, answers=payload.answers())


@router.get("/results", response=list[SurveyRowOut],
            summary="Response rate, CSAT, resolved and NPS per group, in my scope")
def results(request: HttpRequest, q: Query[ResultsQuery]) -> list[SurveyRow]:
    return survey_results(actor_of(request), group=q.group, since=q.sent_from, until=q.sent_to)


class VisitsQuery(Schema):
    scheduled_from: datetime | None = None
    scheduled_to: datetime | None = None


class VisitRowOut(Schema):
    key: str
    label: str
    tasks: int = Field(description="return-visit tasks scheduled in the period")
    reached: int
    unreachable: int
    pending: int
    satisfied: int
    resolved: int
    proposals: int
    response_rate: float | None = Field(description="reached ÷ tasks")
    resolved_rate: float | None


class ReopenProposalOut(Schema):
    id: int
    work_order_id: int
    number: str = Field(alias="work_order.number")
    visit_id: int
    reason: str
    proposed_at: datetime
    proposed_by_name: str
    status: str
    decided_at: datetime | None
    decided_by_name: str
    decision_note: str


class ReopenDecisionIn(Schema):
    is_accepted: bool
    note: str = Field("", max_length=2000, description="required when declining")


@router.get("/return-visits", response=list[VisitRowOut],
            summary="Return-visit tasks per unit in my scope, and their response rate")
def return_visits(request: HttpRequest, q: Query[VisitsQuery]) -> list[VisitRow]:
    return return_visit_figures(actor_of(request), since=q.scheduled_from,
                                until=q.scheduled_to)


@router.get("/reopen-proposals", response=list[ReopenProposalOut],
            summary="Reopens proposed by return visits, awaiting a supervisor, in my scope")
def reopen_proposals(request: HttpRequest) -> list[ReopenProposal]:
    return list(list_pending_reopen_proposals(actor_of(request))[:500])


@router.post("/reopen-proposals/{proposal_id}/decision", response=ReopenProposalOut,
             summary="Accept (the complaint is reopened) or decline with a reason")
def reopen_decision(request: HttpRequest, proposal_id: int,
                    payload: ReopenDecisionIn) -> ReopenProposal:
    return decide_reopen_proposal(actor=actor_of(request), proposal_id=proposal_id,
                                  is_accepted=payload.is_accepted, note=payload.note)

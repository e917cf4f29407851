"""Satisfaction surveys: answered by the link's token, results by agent, team, unit, category
or channel."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kefu.api.auth import actor_of
from kefu.surveys.actions import SurveyAnswers, answer_survey_by_link
from kefu.surveys.models import Survey
from kefu.surveys.queries import SurveyRow, survey_results

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

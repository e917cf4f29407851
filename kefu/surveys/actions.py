"""After closure: return visits (回访), their outcome recorded, a customer whose problem is not
resolved, or who is not satisfied, getting a reopen proposed to the supervisor (which visits
are made is `kefu.surveys.sampling`); and satisfaction surveys, sent as a single-use link and
answered on the link, the portal or by phone."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kefu.audit.actions import AuditRecord, record_audit
from kefu.audit.choices import AuditAction
from kefu.audit.refusals import audits_refusals
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from kefu.notify.actions import enqueue_message
from kefu.notify.choices import MessageChannel
from kefu.orgs.actors import Actor
from kefu.orgs.choices import Role
from kefu.surveys.links import survey_id_from_token, survey_url
from kefu.surveys.models import (
    OnDissatisfied,
    ResponseChannel,
    ReturnVisit,
    Survey,
    VisitStatus,
)
from kefu.surveys.permissions import can_record_return_visit, can_record_survey
from kefu.surveys.proposals import propose_reopen
from kefu.surveys.sampling import policy_for
from kefu.workorders import reactions
from kefu.workorders.models import WorkOrder
from kefu.workorders.queries import scoped_work_orders
from kefu.workorders.steps import audit, lock_work_order, work_order_change

MAX_ATTEMPTS = 3
COMMENT_LENGTH = 2000


@work_order_change
def record_return_visit(*, actor: Actor, work_order_id: int, reached: bool,
                        satisfied: bool | None = None, resolved: bool | None = None,
                        comment: str = "") -> ReturnVisit:
    """Record one call of the work order's latest visit. A customer whose problem is not
    resolved, or who is not satisfied, gets a reopen proposed to the supervisor (001 §4.2.1,
    SPEC §15); one whose problem is resolved but who is not satisfied gets an appeal one tier
    up instead where the sampling rule says so, in the same transaction."""
    can_record_return_visit(actor).enforce()
    # The work order first, then the visit: the order the close action takes them in.
    wo = lock_work_order(actor, work_order_id)
    visit = (ReturnVisit.objects.select_for_update().filter(work_order=wo)
             .order_by("-scheduled_at", "-id").first())
    if visit is None:
        raise NotFound("该工单没有回访任务", "No return visit for this work order")
    can_record_return_visit(actor, visit).enforce()
    if len(comment) > COMMENT_LENGTH:
        raise InvalidInput("客户意见最多2000字", "The comment is at most 2000 characters",
                           fields={"comment": [f"≤ {COMMENT_LENGTH}"]})
    now = timezone.now()
    visit.attempts += 1
    if not reached:
        if visit.attempts >= MAX_ATTEMPTS:
            visit.status, visit.completed_at = VisitStatus.UNREACHABLE, now
    else:
        if satisfied is None or resolved is None:
            raise InvalidInput("请填写是否满意、是否解决", "Record satisfied and resolved",
                               fields={"satisfied": ["必填 / required"]})
        visit.status, visit.completed_at = VisitStatus.DONE, now
        visit.is_satisfied, visit.is_resolved = satisfied, resolved
    visit.comment = comment.strip()
    visit.completed_by_name = actor.name
    visit.save()
    audit(AuditRecord(actor, AuditAction.RETURN_VISIT_RECORDED, "work_order", work_order_id, {
        "reached": reached, "satisfied": satisfied, "resolved": resolved,
        "attempts": visit.attempts}))
    if visit.status == VisitStatus.DONE and not (satisfied and resolved):
        if resolved and policy_for(wo).on_dissatisfied == OnDissatisfied.APPEAL:
            reason = f"回访不满意：{visit.comment or '客户对处理结果不满意'}"
            reactions.take_appeal(actor=actor, original_id=wo.pk, reason=reason)
        else:
            propose_reopen(wo, visit, actor)
    return visit


# --- satisfaction surveys ------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyAnswers:
    csat: int | None
    is_resolved: bool | None
    nps: int | None = None
    comment: str = ""

    @classmethod
    def from_form(cls, data: Mapping[str, str]) -> SurveyAnswers:
        """The answers as typed in a form; range checks are the action's."""
        def number(name: str) -> int | None:
            value = (data.get(name) or "").strip()
            return int(value) if value.lstrip("-").isdigit() else None

        resolved = data.get("is_resolved")
        return cls(csat=number("csat"), nps=number("nps"),
                   is_resolved=None if resolved not in ("yes", "no") else resolved == "yes",
                   comment=data.get("comment") or "")

    def errors(self) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        if self.csat is None or not 1 <= self.csat <= 5:
            errors["csat"] = ["1–5"]
        if self.is_resolved is None:
            errors["is_resolved"] = ["必填 / required"]
        if self.nps is not None and not 0 <= self.nps <= 10:
            errors["nps"] = ["0–10"]
        if len(self.comment) > 2000:
            errors["comment"] = ["最多2000字 / at most 2000 characters"]
        return errors


def send_survey(wo: WorkOrder) -> Survey:
    """Called by the close action inside its transaction: one survey per closure, its link sent
    by SMS and, when the customer has an address, by email. An earlier unanswered survey of a
    reopened work order lapses."""
    now = timezone.now()
    Survey.objects.filter(work_order=wo, responded_at__isnull=True,
                          expires_at__gt=now).update(expires_at=now)
    survey = Survey.objects.create(
        work_order=wo, nonce=secrets.token_hex(16), sent_at=now,
        expires_at=now + timedelta(days=settings.KEFU_SURVEY_DAYS), unit_id=wo.unit_id,
        agent_id=wo.handler_id or wo.owner_id,
        team_id=(wo.handler.department_id if wo.handler else None) or wo.department_id,
        category_id=wo.category_id, channel=wo.channel)
    context = {"number": wo.number, "days": settings.KEFU_SURVEY_DAYS}
    # Whoever holds the link can answer in the customer's name: a bearer secret.
    link = {"link": survey_url(survey)}
    language = wo.customer.preferred_language
    enqueue_message(channel=MessageChannel.SMS, recipient=wo.contact_phone,
                    template="survey_invitation", context=context, secret_context=link,
                    language=language, work_order_id=wo.pk)
    if wo.customer.email:
        enqueue_message(channel=MessageChannel.EMAIL, recipient=wo.customer.email,
                        template="survey_invitation", context=context, secret_context=link,
                        language=language, work_order_id=wo.pk)
    return survey


def _answer(survey: Survey, answers: SurveyAnswers, channel: ResponseChannel,
            actor: Actor) -> Survey:
    if survey.responded_at is not None:
        raise Conflict("该调查已经提交过，链接只能使用一次",
                       "This survey was already answered; a link works once")
    now = timezone.now()
    if survey.expires_at <= now:
        raise Conflict("该调查链接已过期", "This survey link has expired")
    if errors := answers.errors():
        raise InvalidInput("评价内容有误", "The answers are invalid", fields=errors)
    survey.responded_at, survey.response_channel = now, channel
    survey.csat, survey.is_resolved, survey.nps = answers.csat, answers.is_resolved, answers.nps
    survey.comment = answers.comment.strip()
    survey.entered_by_name = actor.name if actor.is_staff else ""
    survey.save()
    # The survey is its own record: an archived work order is never touched by an answer.
    record_audit(actor=actor, action=AuditAction.SURVEY_ANSWERED, object_type="work_order",
                 object_id=survey.work_order_id,
                 data={"survey": survey.pk, "channel": channel, "csat": answers.csat,
                       "resolved": answers.is_resolved, "nps": answers.nps})
    return survey


@transaction.atomic(durable=True)
def answer_survey_by_link(*, token: str, answers: SurveyAnswers) -> Survey:
    """The customer answers from the link in their SMS or email (no sign-in)."""
    survey_id, nonce = survey_id_from_token(token)
    survey = Survey.objects.select_for_update().filter(pk=survey_id, nonce=nonce).first()
    if survey is None:
        raise NotFound("调查链接无效", "This survey link is not valid")
    link_actor = Actor(role=Role.CUSTOMER, name="customer (survey link)")
    return _answer(survey, answers, ResponseChannel.LINK, link_actor)


def _open_survey(wo_filter: dict[str, object]) -> Survey:
    survey = (Survey.objects.select_for_update().filter(**wo_filter)
              .order_by("-sent_at").first())
    if survey is None:
        raise NotFound("该工单没有待回答的调查", "No survey for this work order")
    return survey


@audits_refusals
@transaction.atomic(durable=True)
def answer_survey_on_portal(*, actor: Actor, work_order_id: int,
                            answers: SurveyAnswers) -> Survey:
    """The signed-in customer answers the latest survey of their own work order."""
    if not actor.is_customer:
        raise PermissionRefused("只有客户本人可以在自助服务中评价",
                                "Only the customer answers on the portal")
    survey = _open_survey({"work_order_id": work_order_id,
                           "work_order__customer_id": actor.customer_id})
    return _answer(survey, answers, ResponseChannel.PORTAL, actor)


@audits_refusals
@transaction.atomic(durable=True)
def record_survey_by_phone(*, actor: Actor, work_order_id: int,
                           answers: SurveyAnswers) -> Survey:
    """A phone agent enters what the customer says on a call."""
    can_record_survey(actor).enforce()
    if not scoped_work_orders(actor).filter(pk=work_order_id).exists():
        raise NotFound("工单不存在", "No such work order")
    survey = _open_survey({"work_order_id": work_order_id})
    return _answer(survey, answers, ResponseChannel.PHONE, actor)


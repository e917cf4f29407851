"""Appeals: taken in against a closed complaint (the customer's, or a regulator's case), and
the appeal figures."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kefu.api.auth import actor_of
from kefu.escalation.actions import RegulatorCase
from kefu.escalation.queries import AppealFigures, appeal_figures

router = Router()


class AppealIn(Schema):
    reason: str = Field(max_length=2000)
    regulator: str = Field("", description="miit 工信部 | ca 省通信管理局; empty for the "
                                           "customer's own appeal")
    external_number: str = Field("", max_length=32, description="the regulator's case number")
    external_received_at: datetime | None = None
    external_deadline: datetime | None = Field(
        None, description="the regulator's deadline: no clock of the appeal ends later")

    def case(self) -> RegulatorCase | None:
        if not (self.regulator or self.external_number):
            return None
        return RegulatorCase(regulator=self.regulator, external_number=self.external_number,
                             received_at=self.external_received_at,
                             deadline=self.external_deadline)


class AppealOut(Schema):
    id: int
    work_order_id: int
    number: str = Field(alias="work_order.number")
    original_number: str
    tier: int = Field(alias="work_order.tier")
    source: str
    regulator: str
    external_number: str
    external_received_at: datetime | None
    external_deadline: datetime | None
    reason: str


class FiguresQuery(Schema):
    received_from: datetime | None = None
    received_to: datetime | None = None


class FiguresOut(Schema):
    customer_appeals: int
    regulator_appeals: int
    appeals: int
    customers: int
    per_million: float | None = Field(description="appeals per million customers")


@router.get("/figures", response=FiguresOut,
            summary="Appeals received, by source, and appeals per million customers")
def figures(request: HttpRequest, q: Query[FiguresQuery]) -> AppealFigures:
    return appeal_figures(actor_of(request), since=q.received_from, until=q.received_to)

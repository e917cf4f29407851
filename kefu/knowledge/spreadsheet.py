"""Articles as a spreadsheet: the export an editor sends round, and the import back, with a
dry run that reports each row's problems and changes nothing. Exports are written with
xlsxwriter in constant memory; imports are read with openpyxl in read-only mode."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from django.utils import timezone

from kefu.errors import InvalidInput, KefuError
from kefu.knowledge.actions import create_article, edit_article
from kefu.knowledge.content import ArticleContent, content_problems
from kefu.knowledge.models import ArticleCategory, ArticleVersion
from kefu.knowledge.queries import editable_articles
from kefu.orgs.actors import Actor
from kefu.sla.calendar import SHANGHAI
from kefu.spreadsheets import safe_cell

COLUMNS = ("id", "title", "category", "audience", "tags", "valid_from", "valid_to", "body")
HEADINGS = ("编号 id", "标题 title", "分类 category", "受众 audience", "标签 tags",
            "生效 valid_from", "到期 valid_to", "正文 body")
MAX_ROWS = 5000
MAX_BYTES = 20 * 1024 * 1024


def export_articles(actor: Actor) -> bytes:
    """The latest version of every article the actor edits, one row each."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False,
                                     "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("articles")
    sheet.write_row(0, 0, HEADINGS)
    for line, v in enumerate(_latest_versions(actor), start=1):
        sheet.write_row(line, 0, [safe_cell(x) for x in (
            v.article_id, v.title, v.category.code, v.audience, ", ".join(v.tags),
            _local(v.valid_from), _local(v.valid_to), v.body)])
    book.close()
    return out.getvalue()


def _latest_versions(actor: Actor) -> list[ArticleVersion]:
    seen: dict[int, ArticleVersion] = {}
    for v in (ArticleVersion.objects.filter(article__in=editable_articles(actor))
              .select_related("category").order_by("article_id", "-number")):
        seen.setdefault(v.article_id, v)
    return list(seen.values())


def _local(value: datetime | None) -> str:
    return f"{value.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if value else ""


@dataclass
class RowResult:
    row: int
    article_id: int | None = None
    action: str = ""  # "create" | "update"
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(not r.ok for r in self.rows)

    @property
    def done(self) -> int:
        return sum(r.ok for r in self.rows)


def import_articles(actor: Actor, stream: IO[bytes], *, dry_run: bool) -> ImportReport:
    """Each row creates a draft (no id) or a new version of the article it names; a dry run
    checks every row and writes nothing. Rows with problems are reported, never half-done."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput("文件过大（最多 20MB）", "The file is too large (at most 20 MB)",
                           fields={"file": ["max 20 MB"]})
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError):
        raise InvalidInput("不是有效的 xlsx 文件", "Not an xlsx file",
                           fields={"file": ["xlsx"]}) from None
    sheet = book.worksheets[0]
    report = ImportReport(dry_run=dry_run)
    codes = set(ArticleCategory.objects.values_list("code", flat=True))
    editable = set(editable_articles(actor).values_list("pk", flat=True))
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number - 1 > MAX_ROWS:
            raise InvalidInput(f"行数过多（最多 {MAX_ROWS} 行）",
                               f"Too many rows (at most {MAX_ROWS})",
                               fields={"file": [f"max {MAX_ROWS} rows"]})
        cells = dict(zip(COLUMNS, [*values, *[None] * len(COLUMNS)], strict=False))
        if all(v in (None, "") for v in cells.values()):
            continue
        result = RowResult(row=number)
        report.rows.append(result)
        article_id, content = _row(cells, result.errors)
        if content is not None:
            result.errors |= content_problems(content)
            if content.category_code not in codes:
                result.errors["category"] = ["unknown category"]
        if article_id is not None and article_id not in editable:
            result.errors["id"] = ["no such article"]
        result.article_id, result.action = article_id, "update" if article_id else "create"
        if dry_run or not result.ok or content is None:
            continue
        try:
            if article_id:
                edit_article(actor=actor, article_id=article_id, content=content)
            else:
                result.article_id = create_article(actor=actor, content=content).pk
        except KefuError as refused:
            result.errors = refused.fields or {"row": [refused.message_en]}
    return report


def _row(cells: dict[str, Any], errors: dict[str, list[str]]
         ) -> tuple[int | None, ArticleContent | None]:
    article_id: int | None = None
    if cells["id"] not in (None, ""):
        try:
            article_id = int(cells["id"])
        except (TypeError, ValueError):
            errors["id"] = ["a number"]
    times: dict[str, datetime | None] = {}
    for name in ("valid_from", "valid_to"):
        value = cells[name]
        if value in (None, ""):
            times[name] = None
        elif isinstance(value, datetime):
            times[name] = timezone.make_aware(value, SHANGHAI) if value.tzinfo is None else value
        else:
            try:
                parsed = datetime.fromisoformat(str(value).strip())
            except ValueError:
                errors[name] = ["YYYY-MM-DD HH:MM"]
                continue
            times[name] = parsed.replace(tzinfo=SHANGHAI) if parsed.tzinfo is None else parsed
    if errors:
        return article_id, None
    tags = tuple(t.strip() for t in str(cells["tags"] or "").replace("，", ",").split(",")
                 if t.strip())
    return article_id, ArticleContent(
        title=str(cells["title"] or ""), body=str(cells["body"] or ""),
        category_code=str(cells["category"] or "").strip(),
        audience=str(cells["audience"] or "internal").strip(), tags=tags,
        valid_from=times.get("valid_from"), valid_to=times.get("valid_to"))

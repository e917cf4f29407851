"""Articles and their versions, the review trail, feedback, views, citations, self-service
sessions and the searches that found nothing."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.knowledge.choices import ArticleStatus, Audience, SearchPlace, VersionStatus
from kefu.search.models import SearchText


class ArticleCategory(models.Model):
    """A branch of the knowledge tree (资费、业务办理、故障处理…)."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("上级分类"))
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("知识分类")
        verbose_name_plural = _("知识分类")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """An article as its readers know it: the version published now (if any), its state,
    and who keeps it. What it says is in its versions."""

    status = models.CharField(_("状态"), max_length=12, choices=ArticleStatus.choices,
                              default=ArticleStatus.DRAFT)
    owner_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT,
                                   related_name="articles", verbose_name=_("负责单位"))
    created_by = models.ForeignKey("orgs.Staff", on_delete=models.PROTECT,
                                   related_name="articles_created")
    created_at = models.DateTimeField()
    published = models.OneToOneField("ArticleVersion", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="published_of")
    # Copied from the published version, so lists and the portal filter without a join.
    audience = models.CharField(_("受众"), max_length=8, choices=Audience.choices,
                                default=Audience.INTERNAL)
    valid_to = models.DateTimeField(_("有效期至"), null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)
    view_count = models.PositiveIntegerField(_("浏览次数"), default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    unhelpful_count = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("知识文章")
        verbose_name_plural = _("知识文章")
        indexes = [models.Index(fields=["status", "audience"], name="article_status_audience"),
                   models.Index(fields=["valid_to"], name="article_valid_to",
                                condition=models.Q(status="published"))]

    def __str__(self) -> str:
        return f"KB-{self.pk}"


class ArticleVersion(models.Model):
    """One version of an article: everything an editor writes, and its review."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=12, choices=VersionStatus.choices,
                              default=VersionStatus.DRAFT)
    title = models.CharField(_("标题"), max_length=200)
    # Sanitised HTML (kefu.knowledge.content): headings, lists, tables, links, images.
    body = models.TextField(_("正文"))
    category = models.ForeignKey(ArticleCategory, on_delete=models.PROTECT,
                                 verbose_name=_("分类"))
    tags = models.JSONField(_("标签"), default=list, blank=True)
    audience = models.CharField(_("受众"), max_length=8, choices=Audience.choices)
    valid_from = models.DateTimeField(_("生效时间"))
    valid_to = models.DateTimeField(_("有效期至"), null=True, blank=True)
    author = models.ForeignKey("orgs.Staff", on_delete=models.PROTECT,
                               related_name="article_versions")
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey("orgs.Staff", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="article_reviews")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["article_id", "number"]
        verbose_name = _("文章版本")
        verbose_name_plural = _("文章版本")
        constraints = [models.UniqueConstraint(fields=["article", "number"],
                                               name="article_version_number")]
        indexes = [models.Index(fields=["status"], name="article_version_in_review",
                                condition=models.Q(status="in_review"))]

    def __str__(self) -> str:
        return f"KB-{self.article_id} v{self.number}"


class ArticleEvent(models.Model):
    """The article's history: who did what to which version, and why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    version_number = models.PositiveIntegerField(null=True)
    at = models.DateTimeField()
    action = models.CharField(max_length=24)
    actor_name = models.CharField(max_length=100)
    actor_user_id = models.BigIntegerField(null=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} KB-{self.article_id}"


class ArticleImage(models.Model):
    """A picture an article shows, uploaded by its editor and served by Kefu
    (`content.IMAGE_PREFIX`): to staff who may read the article, to the public while the
    article is on the portal."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to="knowledge/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by_name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.original_name

    @property
    def url(self) -> str:
        from kefu.knowledge.content import IMAGE_PREFIX

        return f"{IMAGE_PREFIX}{self.pk}"


class ArticleText(SearchText):
    """The published version's searchable text (kefu.search); none while nothing is
    published."""

    # An article is the operator's own text, not a customer's.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True,
                                   related_name="search_text")

    def __str__(self) -> str:
        return f"text of KB-{self.article_id}"


class ArticleFeedback(models.Model):
    """Helpful or not, from a member of staff or a customer, with an optional comment."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    version_number = models.PositiveIntegerField()
    is_helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    place = models.CharField(max_length=8, choices=SearchPlace.choices)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"feedback on KB-{self.article_id}"


class ArticleCitation(models.Model):
    """An article an answer to a work order cites, at the version the agent read."""

    work_order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE,
                                   related_name="article_citations")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="citations")
    version_number = models.PositiveIntegerField()
    cited_at = models.DateTimeField()
    cited_by_name = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["work_order", "article"],
                                               name="citation_once_per_work_order")]

    def __str__(self) -> str:
        return f"KB-{self.article_id} v{self.version_number} on {self.work_order_id}"


class SearchMiss(models.Model):
    """A query that found nothing, counted per week (Monday, Asia/Shanghai) and place: the
    gap list editors work from."""

    week = models.DateField()
    place = models.CharField(max_length=8, choices=SearchPlace.choices)
    query = models.CharField(max_length=100)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["week", "place", "query"],
                                               name="search_miss_once_per_week")]

    def __str__(self) -> str:
        return self.query


class SelfServiceSession(models.Model):
    """A customer looking for an answer on the portal before asking an agent: counted once
    per browser session and day; solved when they said an article answered it."""

    key = models.CharField(max_length=64)
    day = models.DateField()
    started_at = models.DateTimeField()
    query = models.CharField(max_length=100, blank=True)
    solved_by = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="solved_sessions")
    solved_at = models.DateTimeField(null=True, blank=True)
    escalated_work_order_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "day"],
                                               name="self_service_once_per_day")]
        indexes = [models.Index(fields=["day"], name="self_service_day")]

    def __str__(self) -> str:
        return f"self-service {self.day}"

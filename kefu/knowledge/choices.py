from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleStatus(models.TextChoices):
    """Where an article stands for its readers (its published version, if any)."""

    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("待审核")
    PUBLISHED = "published", _("已发布")
    EXPIRED = "expired", _("已过期")
    WITHDRAWN = "withdrawn", _("已撤回")


class VersionStatus(models.TextChoices):
    """Where one version stands in review."""

    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("待审核")
    PUBLISHED = "published", _("已发布")
    # A published version replaced by a later one: kept for the history.
    SUPERSEDED = "superseded", _("已被替代")
    # A draft given up, or still waiting when its article was withdrawn.
    DISCARDED = "discarded", _("已放弃")


class Audience(models.TextChoices):
    INTERNAL = "internal", _("内部")
    PUBLIC = "public", _("公开")


class SearchPlace(models.TextChoices):
    CONSOLE = "console", _("坐席")
    PORTAL = "portal", _("自助服务")

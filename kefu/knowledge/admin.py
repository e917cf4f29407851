from django.contrib import admin

from kefu.audit.admin_configuration import AuditedConfigurationAdmin, ReadOnlyAdmin
from kefu.knowledge.models import Article, ArticleCategory


@admin.register(ArticleCategory)
class ArticleCategoryAdmin(AuditedConfigurationAdmin):
    """The knowledge tree is configuration: every change is audited with before and after."""

    list_display = ("code", "name", "name_en", "parent", "sort_order")
    search_fields = ("code", "name")


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    """Readable here; articles are written and reviewed in the console, with their history."""

    list_display = ("id", "status", "audience", "owner_unit", "valid_to", "view_count")
    list_filter = ("status", "audience")

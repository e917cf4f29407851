"""Admin pages for rows that only actions write: read-only ones, and ones whose saves go
through actions, never straight to the database."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect

from kefu.audit.configuration import delete_configuration, save_configuration
from kefu.orgs.actors import actor_for_admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the actions only (with their events and audit entries); readable here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SavedByActionsAdmin(admin.ModelAdmin):
    """The admin wraps a save in a transaction of its own; an action is its own durable
    transaction (and writes its refusal to the audit log after rolling back), so the page
    leaves the transaction to the action."""

    @method_decorator(csrf_protect)
    def changeform_view(self, request: HttpRequest, object_id: str | None = None,
                        form_url: str = "", extra_context: dict[str, Any] | None = None,
                        ) -> HttpResponse:
        return self._changeform_view(  # type: ignore[attr-defined]
            request, object_id, form_url, extra_context)

    @method_decorator(csrf_protect)
    def delete_view(self, request: HttpRequest, object_id: str,
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return self._delete_view(request, object_id, extra_context)  # type: ignore[attr-defined]


class AuditedConfigurationAdmin(SavedByActionsAdmin):
    """A configuration row: saved and deleted through the audited configuration actions."""

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        save_configuration(actor=actor_for_admin(request.user), obj=obj)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        delete_configuration(actor=actor_for_admin(request.user), obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

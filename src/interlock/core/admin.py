"""The Django admin for simple upkeep, open only to whom the policy allows "admin.site".

Interlock runs its own admin site so that access comes from the policy, not from
``is_staff`` and model permissions. Audit entries and events are read-only for
everybody; API tokens can only be listed and revoked (they are created on the
tokens page, where the secret is shown once).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from interlock.core import events, policy, tokens, trash
from interlock.core.models import ApiToken, AuditEntry, Event, EventDelivery


class InterlockAdminSite(admin.AdminSite):
    site_header = _("Interlock administration")
    site_title = _("Interlock administration")
    index_title = _("Upkeep")
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return policy.can(request.user, "admin.site")

    def admin_view(  # type: ignore[override]
        self, view: Callable[..., Any], cacheable: bool = False
    ) -> Callable[..., Any]:
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # Signed-in people without the right get a 403, not the admin's own login form.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied("admin.site")
            return inner(request, *args, **kwargs)  # type: ignore[no-any-return]

        return update_wrapper(guarded, inner)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """One sign-in page for everything (and one login throttle)."""
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied("admin.site")
        return redirect_to_login(request.GET.get("next") or request.get_full_path())


site = InterlockAdminSite(name="admin")


class PolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Model rights follow the policy: whoever may use the admin may keep these models."""

    def _allowed(self, request: HttpRequest) -> bool:
        return policy.can(request.user, "admin.site")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


class PolicyInline:
    """The same for inlines (mix in before TabularInline/StackedInline)."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.can(request.user, "admin.site")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.can(request.user, "admin.site")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.can(request.user, "admin.site")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.can(request.user, "admin.site")


class ReadOnlyAdmin(PolicyAdmin):
    """Append-only records: nobody adds, changes or deletes them here."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TrashingAdmin(PolicyAdmin):
    """Deleting a trashable record moves it to the trash, as everywhere else."""

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        assert isinstance(obj, trash.Trashable)
        trash.trash_move(obj=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            trash.trash_move(obj=obj, actor=request.user)


@admin.register(AuditEntry, site=site)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "actor", "source", "content_type", "object_repr", "action")
    list_filter = ("source", "action", "content_type")
    search_fields = ("object_repr", "actor__username", "actor_email")
    date_hierarchy = "timestamp"
    list_select_related = ("actor", "content_type")
    readonly_fields = (
        "timestamp",
        "actor",
        "actor_email",
        "source",
        "remote_addr",
        "content_type",
        "object_pk",
        "object_repr",
        "action",
        "changes",
        "additional_data",
    )
    exclude = ("serialized_data", "changes_text", "object_id", "cid", "remote_port")


class DeliveryInline(PolicyInline, admin.TabularInline):  # type: ignore[type-arg]
    model = EventDelivery
    extra = 0
    can_delete = False
    fields = ("subscriber", "status", "attempts", "next_attempt_at", "delivered_at", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event, site=site)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "type", "subject_type", "subject_id", "actor", "source")
    list_filter = ("type", "source")
    search_fields = ("type", "subject_type")
    date_hierarchy = "occurred_at"
    list_select_related = ("actor",)
    readonly_fields = (
        "type",
        "subject_type",
        "subject_id",
        "actor",
        "source",
        "occurred_at",
        "payload",
    )
    inlines = (DeliveryInline,)


@admin.register(EventDelivery, site=site)
class EventDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("event", "subscriber", "status", "attempts", "next_attempt_at", "delivered_at")
    list_filter = ("status", "subscriber")
    list_select_related = ("event",)
    readonly_fields = (
        "event",
        "subscriber",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "delivered_at",
    )
    actions = ("retry_failed",)

    @admin.action(description=_("Retry the selected failed deliveries"))
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[EventDelivery]) -> None:
        # Exactly the selected rows go back in the queue (those that failed);
        # other failed deliveries of the same subscribers stay as they are.
        count = events.retry_failed(delivery_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(n)d failed delivery is queued again.",
                "%(n)d failed deliveries are queued again.",
                count,
            )
            % {"n": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(ApiToken, site=site)
class ApiTokenAdmin(PolicyAdmin):
    """List and revoke; the digest is never shown and tokens are not made here."""

    list_display = (
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("scope", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    fields = (
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.token_revoke(token=token, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d token revoked.", "%(n)d tokens revoked.", count) % {"n": count},
            messages.SUCCESS,
        )

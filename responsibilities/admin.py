from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from responsibilities.models import (
    Assignment,
    AuditEvent,
    CalendarFeed,
    Digest,
    EmailPreferences,
    Municipality,
    MunicipalityPermission,
    Notification,
    OrganisationUnit,
    Role,
    UnitPermission,
    User,
    YearlyDeadline,
)
from responsibilities.outbox import QueuedTask


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ("language", "municipality")}),
    )
    list_display = ("username", "first_name", "last_name", "email", "municipality", "is_active")
    list_filter = ("municipality", "is_active", "is_staff")
    list_select_related = ("municipality",)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(OrganisationUnit)
class OrganisationUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality", "parent", "is_demo")
    list_filter = ("municipality", "kind", "is_demo")
    list_select_related = ("municipality", "parent")
    search_fields = ("name", "short_name")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "kind", "municipality")
    list_filter = ("municipality", "kind")
    list_select_related = ("municipality",)
    search_fields = ("name", "name_en", "responsibility")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("person", "role", "unit", "starts_on", "ends_on", "ended_at")
    list_filter = ("role__municipality", "role__kind")
    list_select_related = ("person", "role", "unit")
    search_fields = ("person__username", "person__first_name", "person__last_name")
    autocomplete_fields = ("person", "unit")


@admin.register(YearlyDeadline)
class YearlyDeadlineAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality", "month", "day", "after_election_only")
    list_filter = ("municipality",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ("at", "actor_name", "action", "municipality", "target", "ip_address")
    list_select_related = ("municipality",)
    list_filter = ("action", "municipality")
    search_fields = ("actor_name", "target")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the system only: viewable, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MunicipalityPermission, UnitPermission)
class PermissionRowAdmin(ReadOnlyAdmin):
    """Granted from assignments by sync_permissions(); never set by hand."""

    list_display = ("user", "permission", "content_object")
    list_select_related = ("user", "permission__content_type", "content_object")
    search_fields = ("user__username",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "subject", "period", "read_at", "digest")
    list_filter = ("kind",)
    list_select_related = ("recipient", "digest")
    search_fields = ("recipient__username", "subject")


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ("day", "recipient", "status", "attempts", "sent_at")
    list_filter = ("status",)
    list_select_related = ("recipient",)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ("person", "created_at", "revoked_at")
    list_select_related = ("person",)
    exclude = ("token",)


@admin.register(EmailPreferences)
class EmailPreferencesAdmin(ReadOnlyAdmin):
    # Each person's own choice, made on their e-mail page.
    list_display = ("person", "followup_at_once", "reminders_at_once", "summary", "updated_at")
    list_filter = ("summary",)
    list_select_related = ("person",)


@admin.register(QueuedTask)
class QueuedTaskAdmin(ReadOnlyAdmin):
    # The outbox: written by the code that queues a task and by the dispatcher, not by hand.
    list_display = ("task", "state", "attempts", "created_at", "not_before", "done_at")
    list_filter = ("state", "task")
    search_fields = ("task", "key")

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from responsibilities.models import (
    Assignment,
    AuditEvent,
    Municipality,
    OrganisationUnit,
    Role,
    User,
    YearlyDeadline,
)


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
    list_display = ("name", "kind", "municipality")
    list_filter = ("municipality", "kind")
    list_select_related = ("municipality",)
    search_fields = ("name", "responsibility")


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
    list_filter = ("action", "municipality")
    search_fields = ("actor_name", "target")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

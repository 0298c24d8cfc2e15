from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Assignment, Municipality, OrganisationUnit, Role, User


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

from django.contrib import admin

from risks.models import ReferenceCounter, RiskEntry, RiskEvent, RiskReport, RiskSettings


@admin.register(RiskSettings)
class RiskSettingsAdmin(admin.ModelAdmin):
    list_display = ["municipality", "likelihood_levels", "consequence_levels"]


class ReadOnly(admin.ModelAdmin):
    """Written by the application's own steps; the admin only reads them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RiskReport)
class RiskReportAdmin(ReadOnly):
    list_display = ["__str__", "kind", "unit", "status", "reported_at"]
    list_filter = ["status", "kind", "municipality"]
    list_select_related = ["municipality", "unit"]


@admin.register(RiskEvent)
class RiskEventAdmin(ReadOnly):
    list_display = ["report", "kind", "to_status", "by", "at"]
    list_select_related = ["report__municipality", "by"]


@admin.register(RiskEntry)
class RiskEntryAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "likelihood", "consequence", "review_on", "retired_at"]
    list_select_related = ["unit"]


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnly):
    list_display = ["municipality", "year", "last"]

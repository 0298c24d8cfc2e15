from django.contrib import admin

from programmes.models import (
    AdoptionCorrection,
    Programme,
    ProgrammeVersion,
    RelatedDocument,
    Section,
    SectionItem,
)


class VersionInline(admin.TabularInline):
    model = ProgrammeVersion
    fields = ("number", "status", "title", "decision_date", "paragraph", "case_number")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("slug", "kind", "municipality")
    list_filter = ("municipality", "kind")
    list_select_related = ("municipality",)
    inlines = [VersionInline]


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    show_change_link = True


class RelatedDocumentInline(admin.TabularInline):
    model = RelatedDocument
    extra = 0


@admin.register(ProgrammeVersion)
class ProgrammeVersionAdmin(admin.ModelAdmin):
    list_display = ("title", "number", "status", "programme", "decision_date", "revision_due")
    list_filter = ("status", "programme__municipality")
    list_select_related = ("programme__municipality",)
    inlines = [SectionInline, RelatedDocumentInline]

    def get_readonly_fields(self, request, obj=None):
        # Adopted content is frozen; status changes go through ProgrammeVersion.adopt().
        if obj and obj.is_frozen:
            return [f.name for f in self.model._meta.fields]
        return ["status", "adopted_at", "adopted_by_user"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.is_draft


class ItemInline(admin.TabularInline):
    model = SectionItem
    extra = 0
    autocomplete_fields = ("role",)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("heading", "kind", "version", "position")
    list_select_related = ("version",)
    inlines = [ItemInline]


@admin.register(SectionItem)
class SectionItemAdmin(admin.ModelAdmin):
    list_display = ("text", "section", "role")
    list_select_related = ("section", "role")


@admin.register(RelatedDocument)
class RelatedDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "version", "url")
    list_select_related = ("version",)


@admin.register(AdoptionCorrection)
class AdoptionCorrectionAdmin(admin.ModelAdmin):
    """The correction log is written by ProgrammeVersion.correct_adoption() only."""

    list_display = ("version", "field", "old_value", "new_value", "corrected_by", "corrected_at")
    list_select_related = ("version", "corrected_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

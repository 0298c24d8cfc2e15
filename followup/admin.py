from django.contrib import admin

from followup.models import (
    Action,
    Answer,
    Attachment,
    Cycle,
    Question,
    Report,
    ReportEvent,
    ReportFile,
    ReviewComment,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("position", "area", "text", "answer_type", "required")


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "year", "status", "opens_on", "due_on", "board_date")
    list_filter = ("status", "version__programme__municipality")
    list_select_related = ("version__programme__municipality",)
    readonly_fields = ("status", "opened_at", "opened_by", "closed_at", "closed_by")
    filter_horizontal = ("units",)
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "cycle", "area", "answer_type", "required", "position")
    list_select_related = ("cycle__version", "area")
    search_fields = ("text",)


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "by", "at", "comment", "date", "paragraph")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Status changes go through the report's transitions (the follow-up pages), not here."""

    list_display = ("unit", "cycle", "status", "submitted_at", "approved_at", "committee_date")
    list_filter = ("status", "cycle__year", "cycle__version__programme__municipality")
    list_select_related = ("unit", "cycle__version__programme__municipality")
    readonly_fields = ("status", "submitted_at", "approved_at", "revision")
    search_fields = ("unit__name",)
    inlines = [ReportEventInline]


@admin.register(ReportEvent)
class ReportEventAdmin(admin.ModelAdmin):
    list_display = ("report", "from_status", "to_status", "by", "at")
    list_select_related = ("report__unit", "report__cycle", "by")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("report", "question_text", "attainment", "updated_at")
    list_select_related = ("report__unit", "report__cycle", "question")


@admin.register(ReviewComment)
class ReviewCommentAdmin(admin.ModelAdmin):
    """Written by the review and the report form; read here."""

    list_display = ("question", "report", "round", "created_at", "replied_at")
    list_select_related = ("question", "report__unit", "report__cycle")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("what", "report", "responsible_role", "due_on", "status")
    list_filter = ("status",)
    list_select_related = ("report__unit", "report__cycle", "responsible_role")
    search_fields = ("what",)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "report", "content_type", "size", "uploaded_at")
    list_select_related = ("report__unit", "report__cycle")
    readonly_fields = ("file", "content_type", "size", "uploaded_by")


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    """Generated PDFs: their state is the worker's, not edited by hand."""

    list_display = ("__str__", "kind", "language", "status", "finished_at")
    list_filter = ("status", "kind", "language")
    list_select_related = ("cycle", "unit")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.urls import path

from followup import pdf_views
from followup.views import actions, cycles, dashboard, report_form, reports

app_name = "followup"
urlpatterns = [
    path("", cycles.index, name="index"),
    path("ny/", cycles.cycle_create, name="cycle_create"),
    path("omgang/<int:pk>/", dashboard.dashboard, name="cycle"),
    path("omgang/<int:pk>/export.<str:fmt>", dashboard.export, name="export"),
    path("omgang/<int:pk>/hantera/", cycles.cycle_manage, name="cycle_manage"),
    path("omgang/<int:pk>/paminn/", dashboard.remind, name="cycle_remind"),
    path("omgang/<int:pk>/status/", cycles.cycle_status, name="cycle_status"),
    path("omgang/<int:pk>/kommunstyrelsen/", cycles.cycle_board, name="cycle_board"),
    path("omgang/<int:pk>/fragor/", cycles.cycle_questions, name="cycle_questions"),
    path("omgang/<int:pk>/fragor/<str:area>/", cycles.cycle_area, name="cycle_area"),
    path("atgarder/", actions.action_register, name="actions"),
    path("atgarder/export.<str:fmt>", actions.action_export, name="actions_export"),
    path("atgarder/<int:pk>/status/", actions.action_status, name="action_status"),
    path("rapport/<int:pk>/", reports.report_detail, name="report"),
    path("rapport/<int:pk>/redigera/", report_form.report_edit, name="report_edit"),
    path("rapport/<int:pk>/granska/", reports.report_review, name="report_review"),
    path("rapport/<int:pk>/namnd/", reports.report_committee, name="report_committee"),
    path(
        "rapport/<int:pk>/bilaga/<int:attachment>/",
        reports.attachment_download,
        name="attachment",
    ),
    path("rapport/<int:pk>/pdf/", pdf_views.report_pdf, name="report_pdf"),
    path("rapporter/", pdf_views.reports_page, name="reports"),
    path("rapporter/bestall/", pdf_views.reports_request, name="reports_request"),
    path("rapporter/fil/<int:pk>/", pdf_views.file_download, name="file_download"),
    path("rapporter/fil/<int:pk>/status/", pdf_views.file_status, name="file_status"),
]

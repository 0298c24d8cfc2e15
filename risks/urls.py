from django.urls import path

from risks import views

app_name = "risks"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("rapportera/", views.report_new, name="report_new"),
    path("mina/", views.mine, name="mine"),
    path("riskbild/", views.overview, name="overview"),
    path("rapport/<int:pk>/", views.report_detail, name="report"),
    path("rapport/<int:pk>/steg/", views.report_step, name="report_step"),
    path("rapport/<int:pk>/kommentar/", views.report_comment, name="report_comment"),
    path("rapport/<int:pk>/register/", views.report_register, name="report_register"),
    path("rapport/<int:pk>/fil/", views.report_file, name="report_file"),
    path("register/", views.register, name="register"),
    path("register/export.xlsx", views.register_export, name="register_export"),
    path("register/<int:pk>/", views.entry, name="entry"),
    path("register/<int:pk>/sla-ihop/", views.entry_merge, name="entry_merge"),
]

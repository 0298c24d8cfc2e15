from django.contrib import admin
from django.urls import include, path

from ale_safety import views
from programmes.views.matrix import matrix
from responsibilities import urls_manage

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("konto/sso/", include("responsibilities.sso.urls")),
    path("", include("responsibilities.urls")),
    path("", include("responsibilities.notification_urls")),
    # Internal follow-up pages under a fixed prefix, before the public catch-all.
    path("uppfoljning/<slug:municipality>/", include("followup.urls")),
    path(
        "hantera/",
        include(
            (
                [path("<slug:municipality>/ansvar/", matrix, name="matrix")]
                + urls_manage.urlpatterns,
                urls_manage.app_name,
            )
        ),
    ),
    path("risker/<slug:municipality>/", include("risks.urls")),
    # Public pages last: /<municipality>/ catches every other first path segment.
    path("", include("programmes.urls")),
]
# Stored files (evidence, related documents, PDFs) have no /media/ address, not even with
# debug on: each is served by its access-checked view, from whichever storage is configured.

handler404 = "ale_safety.views.not_found"
# 400, 403 and 500 are Django's own views with our templates (templates/400.html …); the 500
# page is rendered without a request context, so it works when the database does not.

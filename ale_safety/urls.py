import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from ale_safety import views

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
    path("hantera/", include("responsibilities.urls_manage")),
    # Public pages last: /<municipality>/ catches every other first path segment.
    path("", include("programmes.urls")),
]
if settings.DEBUG:
    # Follow-up evidence (media/followup/) is served only by its access-checked view.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?!followup/)(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

handler404 = "ale_safety.views.not_found"

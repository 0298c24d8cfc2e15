from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from ale_safety import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("", include("responsibilities.urls")),
    path("hantera/", include("responsibilities.urls_manage")),
    # Public pages last: /<municipality>/ catches every other first path segment.
    path("", include("programmes.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "ale_safety.views.not_found"

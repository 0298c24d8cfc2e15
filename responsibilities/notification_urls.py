from django.urls import path

from responsibilities import notification_views as views

urlpatterns = [
    path("konto/notiser/", views.notification_list, name="notifications"),
    path("konto/notiser/las/", views.mark_read, name="notifications_mark_read"),
    path("konto/e-post/", views.email_preferences, name="email_preferences"),
    path("konto/kalender/", views.calendar_settings, name="calendar_settings"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]

from responsibilities import audit_views  # noqa: E402

urlpatterns += [
    path("sakerhetslogg/<slug:municipality>/", audit_views.audit_log, name="audit_log"),
]

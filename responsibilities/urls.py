from django.contrib.auth import views as auth_views
from django.urls import path

from responsibilities import views

urlpatterns = [
    path("konto/logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("start/", views.start, name="start"),
]

from django.urls import path

from programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:municipality>/", views.municipality_detail, name="municipality"),
    path(
        "<slug:municipality>/program/<slug:slug>/",
        views.public_detail,
        name="public_detail",
    ),
]

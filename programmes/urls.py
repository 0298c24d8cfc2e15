from django.urls import path

from programmes import pdf_views, views

app_name = "programmes"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:municipality>/", views.municipality_detail, name="municipality"),
    path(
        "<slug:municipality>/program/<slug:slug>/",
        views.public_detail,
        name="public_detail",
    ),
    path("<slug:municipality>/program/<slug:slug>/pdf/", pdf_views.public_pdf, name="public_pdf"),
]

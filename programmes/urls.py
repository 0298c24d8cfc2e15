from django.urls import include, path

from programmes import pdf_views, views

app_name = "programmes"

# The editor lives under a fixed prefix so it never meets the public /<municipality>/ pages.
draft = [
    path("", views.edit, name="edit"),
    path("uppgifter/", views.edit_metadata, name="edit_metadata"),
    path("forhandsgranska/", views.preview, name="preview"),
    path("ta-bort/", views.delete_draft, name="delete_draft"),
    path("faststall/", views.adopt, name="adopt"),
    path("avsnitt/nytt/", views.add_section, name="add_section"),
    path("avsnitt/<int:pk>/", views.edit_section, name="edit_section"),
    path("avsnitt/<int:pk>/flytta/", views.move_section, name="move_section"),
    path("avsnitt/<int:pk>/ta-bort/", views.delete_section, name="delete_section"),
    path("avsnitt/<int:pk>/ny-punkt/", views.add_item, name="add_item"),
    path("punkter/<int:pk>/", views.edit_item, name="edit_item"),
    path("punkter/<int:pk>/flytta/", views.move_item, name="move_item"),
    path("punkter/<int:pk>/ta-bort/", views.delete_item, name="delete_item"),
    path("dokument/nytt/", views.add_related, name="add_related"),
    path("dokument/<int:pk>/ta-bort/", views.delete_related, name="delete_related"),
]
document = [
    path("", views.document, name="document"),
    path("ny-revision/", views.start_revision, name="start_revision"),
    path("jamfor/", views.compare, name="compare"),
    path("historik/", views.history, name="history"),
    path("version/<int:number>/rattelse/", views.correct_adoption, name="correct_adoption"),
    path("granskad/", views.confirm_review, name="confirm_review"),
    path("utkast/", include(draft)),
]
urlpatterns = [
    path("styrdokument/", views.index, name="index"),
    path("styrdokument/<slug:municipality>/nytt/", views.create, name="create"),
    path("styrdokument/<slug:municipality>/<slug:slug>/", include(document)),
    # Public pages last: /<municipality>/ catches every other first path segment.
    path("", views.home, name="home"),
    path("<slug:municipality>/", views.municipality_detail, name="municipality"),
    path(
        "<slug:municipality>/program/<slug:slug>/",
        views.public_detail,
        name="public_detail",
    ),
    path("<slug:municipality>/program/<slug:slug>/pdf/", pdf_views.public_pdf, name="public_pdf"),
    path(
        "<slug:municipality>/program/<slug:slug>/version/<int:number>/",
        views.public_version,
        name="public_version",
    ),
    path(
        "<slug:municipality>/program/<slug:slug>/dokument/<int:pk>/",
        views.related_file,
        name="related_file",
    ),
]

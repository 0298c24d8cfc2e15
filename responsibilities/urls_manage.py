"""/hantera/<municipality>/…: managing units, people and assignments. The project's urls.py
adds the responsibility matrix, which the programmes app serves, to this namespace."""

from django.urls import path

from responsibilities.views import manage

app_name = "manage"
urlpatterns = [
    path("<slug:municipality>/", manage.overview, name="overview"),
    path("<slug:municipality>/enheter/", manage.unit_list, name="unit_list"),
    path("<slug:municipality>/enheter/ny/", manage.unit_edit, name="unit_create"),
    path("<slug:municipality>/enheter/<int:pk>/", manage.unit_edit, name="unit_edit"),
    path("<slug:municipality>/personer/", manage.person_list, name="person_list"),
    path("<slug:municipality>/personer/ny/", manage.person_edit, name="person_create"),
    path("<slug:municipality>/personer/<int:pk>/", manage.person_detail, name="person_detail"),
    path("<slug:municipality>/personer/<int:pk>/andra/", manage.person_edit, name="person_edit"),
    path(
        "<slug:municipality>/personer/<int:pk>/personuppgifter.json",
        manage.person_export,
        name="person_export",
    ),
    path("<slug:municipality>/uppdrag/", manage.assignment_list, name="assignment_list"),
    path("<slug:municipality>/uppdrag/nytt/", manage.assignment_create, name="assignment_create"),
    path(
        "<slug:municipality>/uppdrag/<int:pk>/avsluta/",
        manage.assignment_end,
        name="assignment_end",
    ),
]

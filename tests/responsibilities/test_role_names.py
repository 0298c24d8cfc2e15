"""A role's name in the reader's language: Swedish to Swedish readers, English to English ones."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from responsibilities.models import Role, User
from tests.factories import RoleFactory

pytestmark = pytest.mark.django_db


def page(client, username, language, url):
    user = User.objects.get(username=username)
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_it_names_the_role_in_the_active_language():
    role = RoleFactory.build(name="Säkerhetschef", name_en="Security chief")
    with translation.override("sv"):
        assert role.display_name == str(role) == "Säkerhetschef"
    with translation.override("en"):
        assert role.display_name == str(role) == "Security chief"


def test_it_falls_back_to_the_swedish_name_without_an_english_one():
    role = RoleFactory.build(name="Trygghetssamordnare", name_en="")
    with translation.override("en"):
        assert role.display_name == "Trygghetssamordnare"


def test_the_demo_gives_every_role_an_english_name(demo):
    assert not Role.objects.filter(name_en="").exists()
    assert Role.objects.get(municipality__slug="ale", kind="employee").name_en == "Employee"


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("sv", "<td>Sektorchef</td>", "Sector chief"),
        ("en", "<td>Sector chief</td>", "Sektorchef</td>"),
    ],
)
def test_the_start_page_lists_ones_roles_in_ones_language(client, demo, language, shown, hidden):
    html = page(client, "ale-sektorchef", language, reverse("start"))
    assert shown in html
    assert hidden not in html


@pytest.mark.parametrize(
    ("language", "shown"), [("sv", "Säkerhetsombud"), ("en", "Security representative")]
)
def test_the_matrix_names_roles_and_missing_posts_in_ones_language(client, demo, language, shown):
    html = page(client, "ale-sakerhetschef", language, reverse("manage:matrix", args=["ale"]))
    gaps = html.split('class="table gaps"')[1].split("</table>")[0]
    assert shown in gaps
    matrix = html.split('class="table responsibility-matrix"')[1]
    assert ("Security chief" in matrix) == (language == "en")


def test_the_english_name_is_editable_in_the_admin():
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True)
    form = site._registry[Role].get_form(request)
    assert "name_en" in form.base_fields

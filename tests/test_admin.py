"""Every model is in the Django admin, and its list and add pages open for a superuser."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responsibilities.models import User

pytestmark = pytest.mark.django_db
APPS = ("responsibilities", "programmes", "followup")
MODELS = [
    model
    for app in APPS
    for model in apps.get_app_config(app).get_models()
    if not model.__name__.startswith("Historical")
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_is_in_the_admin_and_its_list_opens(client, demo, model):
    assert model in admin.site._registry
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    opts = model._meta
    rows = model._default_manager.count()
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    # The list shows the model's rows: its paginator counts them, one table row each.
    paginator = page[page.index('class="paginator"') :].split("</p>")[0]
    assert str(rows) in paginator, paginator
    assert page.count('<tr class="') + page.count("<tr>") >= min(rows, 100)
    # list_select_related: the list costs the same however many rows it shows.
    assert len(queries) <= 14, f"{len(queries)} queries for {rows} rows"

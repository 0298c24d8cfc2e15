from django.urls import reverse

from responsibilities.models import User


def test_pages(client, demo):
    client.force_login(User.objects.get(username="ale-medarbetare"))
    r = client.get(reverse("start"))
    assert "Report a risk" in r.content.decode()
    r = client.get(reverse("risks:report_new", kwargs={"municipality": "ale"}))
    assert r.status_code == 200, r.content.decode()[:3000]

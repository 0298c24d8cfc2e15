from django.urls import include, path

from responsibilities.sso import views

# Only the protocol endpoints of django-allauth: its own account pages are not routed.
urlpatterns = [
    path("hitta/", views.discover, name="sso_discover"),
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),  # oidc/<id>/
    path("", include("allauth.socialaccount.providers.saml.urls")),
]

from django.urls import path

from responsibilities import two_factor
from responsibilities.sso import views as sso_views
from responsibilities.sso.forms import PasswordLoginForm
from responsibilities.views import account, year

urlpatterns = [
    path(
        "konto/logga-in/",
        sso_views.allow_provider_form_action(
            two_factor.LoginView.as_view(authentication_form=PasswordLoginForm)
        ),
        name="login",
    ),
    path("konto/logga-in/kod/", two_factor.login_code, name="login_code"),
    path("konto/tvastegsverifiering/", two_factor.setup, name="two_factor"),
    path("konto/tvastegsverifiering/ta-bort/", two_factor.remove, name="two_factor_remove"),
    path("konto/logga-ut/", sso_views.logout, name="logout"),
    path("konto/losenord/", account.password_change, name="password_change"),
    path("konto/losenord/klart/", account.password_change_done, name="password_change_done"),
    path("konto/glomt-losenord/", account.password_reset, name="password_reset"),
    path("konto/glomt-losenord/skickat/", account.password_reset_done, name="password_reset_done"),
    path(
        "konto/nytt-losenord/<uidb64>/<token>/",
        account.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "konto/nytt-losenord/klart/",
        account.password_reset_complete,
        name="password_reset_complete",
    ),
    path("start/", account.start, name="start"),
    path("arshjul/<slug:municipality>/", year.year_calendar, name="year_calendar"),
]

from tests.authz import ANONYMOUS, LOGGED_IN, Case, everyone, only

CASES = [
    Case("notifications", get=only(LOGGED_IN)),
    Case("notifications_mark_read", post={**dict.fromkeys(LOGGED_IN, 302), ANONYMOUS: 302}),
    Case(
        "email_preferences",
        get=only(LOGGED_IN),
        post={**dict.fromkeys(LOGGED_IN, 302), ANONYMOUS: 302},
        data=lambda: {"summary": "weekly"},
    ),
    Case(
        "calendar_settings",
        get=only(LOGGED_IN),
        post={**dict.fromkeys(LOGGED_IN, 302), ANONYMOUS: 302},
        data=lambda: {"action": "create"},
    ),
    Case("calendar_feed", kwargs=lambda: {"token": "not-a-token"}, get=everyone(404)),
]

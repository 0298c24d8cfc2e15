"""The authentication backend: Django's ModelBackend, with the signed-in person's row read by
a statement compiled once per process (every signed-in request reads it)."""

from django.contrib.auth import backends, get_user_model

from responsibilities.statements import Statement


def _person(pk: int):
    return get_user_model()._default_manager.filter(pk=pk)


_PERSON = Statement(_person, (-7_300_417_009,), (-7_300_417_011,))


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = next(iter(_PERSON.fetch(user_id)), None)
        return user if user is not None and self.user_can_authenticate(user) else None

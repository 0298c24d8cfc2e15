"""Django's database session engine, saving an existing session with one UPDATE.

Django wraps every save in a transaction (a savepoint inside one): three statements on
SQLite and inside a transaction, where one UPDATE is just as atomic. The once-a-minute
refresh of SessionLifetimeMiddleware is such a save, so it costs a request one statement.
A new session is created as Django creates it."""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import router


class SessionStore(DatabaseStore):
    def save(self, must_create=False):
        if self.session_key is None or must_create:
            return super().save(must_create)
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        updated = (
            self.model._default_manager.using(using)
            .filter(session_key=obj.session_key)
            .update(session_data=obj.session_data, expire_date=obj.expire_date)
        )
        if not updated:
            # Deleted meanwhile (a logout elsewhere): as Django's own save answers.
            raise UpdateError

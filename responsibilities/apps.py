from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ResponsibilitiesConfig(AppConfig):
    name = "responsibilities"
    verbose_name = _("Responsibilities")

    def ready(self):
        from django.db.models import Field, ForeignObject

        from responsibilities.statements import AnyOf

        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)  # a foreign key's own lookups are its class's
        from responsibilities import daily, signals  # noqa: F401 - connects the receivers
        from responsibilities.access import end_expired_assignments
        from responsibilities.audit import purge_expired
        from responsibilities.deadlines import notify_yearly_deadlines
        from responsibilities.tasks import send_digests_now

        daily.register(
            "End expired assignments",
            task="responsibilities.end_expired_assignments",
            run=end_expired_assignments,
            at=(0, 15),
        )
        daily.register(
            "Purge old audit events",
            task="responsibilities.purge_audit_log",
            run=purge_expired,
            at=(3, 30),
        )
        daily.register(
            "Yearly deadlines",
            task="responsibilities.scan_yearly_deadlines",
            run=notify_yearly_deadlines,
            at=(6, 0),
        )
        daily.register(
            "Daily digest e-mail",
            task="responsibilities.send_digests",
            run=send_digests_now,
            at=(7, 0),
            sends_email=True,
        )
        post_migrate.connect(daily.schedule_daily_jobs, sender=self)

        from responsibilities.notifications import Notification, register_kinds

        register_kinds(Notification.Kind)

"""Keep permission rows in step with assignments and the organisation tree, in the same
transaction as the change that caused them."""

from axes.signals import user_locked_out
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from responsibilities.access import sync_permissions
from responsibilities.audit import AuditEvent, record
from responsibilities.models import (
    Assignment,
    OrganisationUnit,
    Role,
    UnitPermission,
    User,
    not_ended,
)


def _resync(person, *, cause, municipality=None):
    if sync_permissions(person):
        record(
            AuditEvent.Action.PERMISSIONS_CHANGED,
            actor=None,
            municipality=municipality,
            target=person.username,
            cause=cause,
        )


@receiver(post_save, sender=Assignment)
def assignment_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        action = AuditEvent.Action.ASSIGNMENT_CREATED
    elif instance.ended_at:
        action = AuditEvent.Action.ASSIGNMENT_ENDED
    else:
        action = AuditEvent.Action.ASSIGNMENT_CHANGED
    municipality = instance.role.municipality
    record(action, municipality=municipality, target=instance, assignment=instance.pk)
    _resync(instance.person, cause=action, municipality=municipality)


@receiver(post_delete, sender=Assignment)
def assignment_deleted(sender, instance, **kwargs):
    municipality = instance.role.municipality
    record(
        AuditEvent.Action.ASSIGNMENT_DELETED,
        municipality=municipality,
        target=instance,
        assignment=instance.pk,
    )
    person = User.objects.filter(pk=instance.person_id).first()
    if person is not None:
        _resync(person, cause=AuditEvent.Action.ASSIGNMENT_DELETED, municipality=municipality)


@receiver(user_locked_out)
def locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(AuditEvent.Action.LOCKED_OUT, request=request, username=username or "")


@receiver(post_save, sender=OrganisationUnit)
def unit_changed(sender, instance, created, raw=False, **kwargs):
    # A sub-unit added or moved: people holding a role above it gain it, people holding it
    # through its old place lose it.
    if raw or not instance.path:
        return
    ancestor_ids = [int(part) for part in instance.path.strip("/").split("/") if part]
    people = User.objects.filter(
        (Q(assignments__unit_id__in=ancestor_ids) & not_ended(prefix="assignments__"))
        | Q(pk__in=UnitPermission.objects.filter(content_object=instance).values("user_id"))
    ).distinct()
    for person in people:
        _resync(person, cause="unit_changed", municipality=instance.municipality)


@receiver(post_save, sender=User)
def person_changed(sender, instance, created, raw=False, update_fields=None, **kwargs):
    # Deactivating a person removes their access; reactivating restores it.
    if raw or created or (update_fields is not None and "is_active" not in update_fields):
        return
    if sync_permissions(instance) and not instance.is_active:
        record(AuditEvent.Action.PERSON_DEACTIVATED, target=instance.username)


ROLE_FIELDS = ("kind", "name", "responsibility")


@receiver(pre_save, sender=Role)
def role_before(sender, instance, raw=False, **kwargs):
    instance._stored = (
        None
        if raw or instance.pk is None
        else Role.objects.filter(pk=instance.pk).values(*ROLE_FIELDS).first()
    )


@receiver(post_save, sender=Role)
def role_changed(sender, instance, created, raw=False, update_fields=None, **kwargs):
    # A role's kind decides what its holders may do: a change is logged and their access
    # follows in the same transaction. A save that changes nothing is not an event.
    stored = getattr(instance, "_stored", None)
    if raw or stored == {f: getattr(instance, f) for f in ROLE_FIELDS}:
        return
    record(
        AuditEvent.Action.ROLE_CHANGED,
        municipality=instance.municipality_id,
        target=instance.name,
        kind=instance.kind,
        created=created,
    )
    if not created:
        for person in User.objects.filter(assignments__role=instance).distinct():
            _resync(
                person, cause=AuditEvent.Action.ROLE_CHANGED, municipality=instance.municipality
            )

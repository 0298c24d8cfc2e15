"""Keep permission rows in step with assignments and the organisation tree, in the same
transaction as the change that caused them."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from responsibilities.access import sync_permissions
from responsibilities.models import Assignment, OrganisationUnit, User


@receiver(post_save, sender=Assignment)
@receiver(post_delete, sender=Assignment)
def assignment_changed(sender, instance, **kwargs):
    person = User.objects.filter(pk=instance.person_id).first()
    if person is not None:
        sync_permissions(person)


@receiver(post_save, sender=OrganisationUnit)
def unit_changed(sender, instance, created, raw=False, **kwargs):
    # A sub-unit added or moved: people holding a role above it gain or lose it.
    if raw or not instance.path:
        return
    ancestor_ids = [int(part) for part in instance.path.strip("/").split("/") if part]
    people = User.objects.filter(
        assignments__unit_id__in=ancestor_ids, assignments__ended_at=None
    ).distinct()
    for person in people:
        sync_permissions(person)


@receiver(post_save, sender=User)
def person_changed(sender, instance, created, raw=False, update_fields=None, **kwargs):
    # Deactivating a person removes their access; reactivating restores it.
    if raw or created or (update_fields is not None and "is_active" not in update_fields):
        return
    sync_permissions(instance)

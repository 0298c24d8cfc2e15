"""Changes to sign-in settings go to the security log; a removed group mapping ends its roles."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from responsibilities.audit import AuditEvent, record
from responsibilities.sso.accounts import end_assignments_of_mapping
from responsibilities.sso.models import GroupRoleMapping, IdentityProvider, IdentityProviderDomain


def _provider_of(instance):
    return instance if isinstance(instance, IdentityProvider) else instance.provider


@receiver(post_save, sender=IdentityProvider)
@receiver(post_save, sender=IdentityProviderDomain)
@receiver(post_save, sender=GroupRoleMapping)
def settings_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    provider = _provider_of(instance)
    record(
        AuditEvent.Action.SSO_SETTINGS_CHANGED,
        municipality=provider.municipality,
        target=instance,
        change="created" if created else "changed",
        kind=sender._meta.model_name,
    )


@receiver(pre_delete, sender=GroupRoleMapping)
def mapping_deleted(sender, instance, **kwargs):
    end_assignments_of_mapping(instance)


@receiver(post_delete, sender=IdentityProviderDomain)
@receiver(post_delete, sender=GroupRoleMapping)
def settings_deleted(sender, instance, **kwargs):
    provider = IdentityProvider.objects.filter(pk=instance.provider_id).first()
    record(
        AuditEvent.Action.SSO_SETTINGS_CHANGED,
        municipality=provider.municipality if provider else None,
        target=instance,
        change="deleted",
        kind=sender._meta.model_name,
    )

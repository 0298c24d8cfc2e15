"""From an identity at the municipality's provider to a person here.

- A person already linked is found by the provider's stable subject (SocialAccount.uid).
- Otherwise a person of the same municipality is linked once by a verified e-mail address in
  one of the provider's domains.
- Otherwise a new person is created just in time as an employee (Medarbetare) of the
  municipality, in the provider's default unit: an Assignment, so access follows as for anyone.
- Privileged roles come only from assignments made here, or from the provider's group → role
  mappings; each grant and each end is written to the security log.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibilities.audit import AuditEvent, record
from responsibilities.capabilities import RoleKind
from responsibilities.models import Assignment, Role, User
from responsibilities.sso.models import (
    GroupRoleMapping,
    IdentityProvider,
    IdentityProviderDomain,
    MappedAssignment,
)

SESSION_KEY = "sso_provider"

# Why a sign-in was refused: the code goes to the security log, the text to the person.
REASONS = {
    "bad_signature": _(
        "The answer from the identity provider had an invalid signature, so it was refused."
    ),
    "wrong_audience": _(
        "The answer from the identity provider was meant for another service, so it was refused."
    ),
    "expired": _(
        "The answer from the identity provider has expired. Start again from the login page."
    ),
    "replayed": _(
        "This sign-in attempt has already been used or has expired. Start again from the "
        "login page."
    ),
    "other_municipality": _(
        "Your account belongs to another municipality. Sign in through your own "
        "municipality's account."
    ),
    "inactive": _("Your account has been deactivated. Contact your administrator."),
    "already_linked": _(
        "Another identity is already linked to this account. Contact your administrator."
    ),
    "email_in_use": _(
        "A person with your e-mail address already exists here, but the identity provider did "
        "not confirm the address. Contact your administrator."
    ),
    "no_employee_role": _(
        "The municipality has no employee role to give new people yet. Contact your administrator."
    ),
    "disabled": _("The municipality does not sign in with its own accounts at the moment."),
    "cancelled": _("The sign-in was cancelled."),
    "unavailable": _(
        "The municipality's sign-in service does not answer at the moment. Try again in a "
        "while, or log in with your password if you have one."
    ),
    "unknown": _(
        "Signing in with the municipality's account did not work. Try again, or contact your "
        "administrator."
    ),
}


class Refused(Exception):
    """A sign-in that must not go on; `reason` is a key of REASONS."""

    def __init__(self, reason: str, **detail):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def provider_for_key(key: str) -> IdentityProvider | None:
    return (
        IdentityProvider.objects.select_related("municipality", "default_unit")
        .filter(municipality__slug=key, is_enabled=True)
        .first()
    )


def provider_for_email(email: str) -> IdentityProvider | None:
    """Home-realm discovery: the provider whose domains hold this address."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    return (
        IdentityProvider.objects.select_related("municipality")
        .filter(domains__domain=domain, is_enabled=True)
        .first()
    )


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def claims_of(sociallogin) -> dict:
    """The identity's claims or attributes as one flat dict (OIDC userinfo over id token)."""
    data = sociallogin.account.extra_data or {}
    if "id_token" in data or "userinfo" in data:
        return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
    return data


def groups_of(provider: IdentityProvider, sociallogin) -> set[str]:
    value = claims_of(sociallogin).get(provider.group_claim) or []
    if isinstance(value, str):
        value = [value]
    return {str(group) for group in value}


def email_of(provider: IdentityProvider, sociallogin) -> tuple[str, bool]:
    """The identity's e-mail address and whether it counts as verified for linking.

    Only an address in one of the provider's own domains may link, and only when the provider
    did not say it is unverified (an explicit email_verified=false)."""
    email = ""
    verified_claim = None
    for address in sociallogin.email_addresses:
        email, verified_claim = address.email, address.verified
        break
    email = (email or sociallogin.user.email or "").strip()
    claims = claims_of(sociallogin)
    if "email_verified" in claims:
        verified_claim = claims["email_verified"] in (True, "true", "True", "1")
    else:
        verified_claim = None
    own_domains = {d.domain for d in provider.domains.all()}
    verified = bool(email) and domain_of(email) in own_domains and verified_claim is not False
    return email, verified


def check_identity(request, provider: IdentityProvider, sociallogin) -> str:
    """Decide whose identity this is before allauth logs in or signs up. Returns what happens:
    "existing", "linked" or "new"; raises Refused."""
    if sociallogin.is_existing:
        person = sociallogin.user
        if person.municipality_id not in (None, provider.municipality_id):
            raise Refused("other_municipality", username=person.username)
        if not person.is_active:
            raise Refused("inactive", username=person.username)
        return "existing"
    email, verified = email_of(provider, sociallogin)
    owner = IdentityProviderDomain.objects.filter(domain=domain_of(email)).first()
    if email and owner is not None and owner.provider_id != provider.pk:
        raise Refused("other_municipality", email=email)
    same_email = list(User.objects.filter(email__iexact=email)[:2]) if email else []
    if not same_email:
        return "new"
    if not verified or len(same_email) > 1:
        raise Refused("email_in_use", email=email)
    person = same_email[0]
    if person.municipality_id not in (None, provider.municipality_id):
        raise Refused("other_municipality", username=person.username)
    if not person.is_active:
        raise Refused("inactive", username=person.username)
    from allauth.socialaccount.models import SocialAccount

    if SocialAccount.objects.filter(user=person, provider=provider.key).exists():
        raise Refused("already_linked", username=person.username)
    sociallogin.connect(request, person)
    if person.municipality_id is None:
        person.municipality = provider.municipality
        person.save(update_fields=["municipality"])
    record(
        AuditEvent.Action.SSO_LINKED,
        request=request,
        actor=person,
        municipality=provider.municipality,
        target=person.username,
        provider=provider.key,
        subject=sociallogin.account.uid,
    )
    return "linked"


@transaction.atomic
def create_employee(request, provider: IdentityProvider, person: User, sociallogin) -> None:
    """A person seen for the first time: an employee of the municipality in its default unit."""
    role = Role.objects.filter(municipality=provider.municipality, kind=RoleKind.EMPLOYEE).first()
    if role is None:
        raise Refused("no_employee_role")
    person.municipality = provider.municipality
    person.set_unusable_password()
    person.save(update_fields=["municipality", "password"])
    Assignment.objects.create(person=person, role=role, unit=provider.default_unit)
    record(
        AuditEvent.Action.SSO_CREATED,
        request=request,
        actor=person,
        municipality=provider.municipality,
        target=person.username,
        provider=provider.key,
        subject=sociallogin.account.uid,
        role=role.name,
    )


@transaction.atomic
def apply_group_roles(request, provider: IdentityProvider, person: User, groups: set[str]):
    """Give the roles the person's groups map to, and end those whose group is gone."""
    mappings = list(provider.group_roles.select_related("role", "unit"))
    wanted = {m.pk: m for m in mappings if m.group in groups}
    held = (
        MappedAssignment.objects.filter(assignment__person=person)
        .filter(assignment__in=Assignment.objects.active())
        .select_related("assignment__role", "assignment__unit", "mapping")
    )
    have = set()
    for mapped in held:
        if mapped.mapping_id in wanted:
            have.add(mapped.mapping_id)
            continue
        if mapped.mapping_id is not None and mapped.mapping.provider_id != provider.pk:
            continue
        mapped.assignment.end()
        record(
            AuditEvent.Action.SSO_ROLE_REVOKED,
            request=request,
            actor=person,
            municipality=provider.municipality,
            target=mapped.assignment,
            provider=provider.key,
            group=mapped.mapping.group if mapped.mapping else "",
        )
    for mapping in wanted.values():
        if mapping.pk in have:
            continue
        assignment = Assignment.objects.create(
            person=person, role=mapping.role, unit=mapping.unit, starts_on=timezone.localdate()
        )
        MappedAssignment.objects.create(assignment=assignment, mapping=mapping)
        record(
            AuditEvent.Action.SSO_ROLE_GRANTED,
            request=request,
            actor=person,
            municipality=provider.municipality,
            target=assignment,
            provider=provider.key,
            group=mapping.group,
        )


def end_assignments_of_mapping(mapping: GroupRoleMapping) -> None:
    """A mapping removed by an administrator takes its roles away at once."""
    for mapped in MappedAssignment.objects.filter(mapping=mapping).select_related("assignment"):
        if mapped.assignment.ended_at is None:
            mapped.assignment.end()

from django import template

from responsibilities.sso.forms import DiscoveryForm, button_text
from responsibilities.sso.views import login_url, provider_shown

register = template.Library()


@register.inclusion_tag("sso/_login_options.html", takes_context=True)
def sso_login_options(context):
    """The "Log in with Ale kommuns konto" button (from ?kommun=) and the e-mail discovery."""
    provider = provider_shown(context["request"])
    return {
        "provider": provider,
        "button": button_text(provider) if provider else "",
        "action": login_url(provider) if provider else "",
        "next": context.get("next", ""),
        "form": DiscoveryForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("sso/_municipality_link.html")
def sso_login_link(municipality):
    """On the municipality's public page: a link to its sign-in, when it has a provider."""
    provider = getattr(municipality, "identity_provider", None)
    if provider is None or not provider.is_enabled:
        return {"provider": None}
    return {"provider": provider, "button": button_text(provider)}

"""Sign-in with the municipality's own identity provider (OIDC or SAML 2.0), issue 18.

django-allauth speaks the protocols; this package says which provider belongs to which
municipality (`IdentityProvider`, configured in the admin), turns an identity into a person
(matched by the provider's subject, linked once by verified e-mail, or created just in time
as an employee), and records every step in the security log.
"""

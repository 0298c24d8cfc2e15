"""A small OpenID provider (django-oauth-toolkit) run beside the product by `make run` and by the
tests: a stand-in for the municipality's Entra ID. A separate Django project with its own SQLite
file; never part of the product's settings and never for production."""

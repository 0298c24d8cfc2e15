"""A pytest plugin (`-p tests.local_mode` in pyproject.toml), loaded before Django's settings:
the tests run in the embedded local mode unless the environment says otherwise."""

import os

os.environ.setdefault("DJANGO_ENV", "local")

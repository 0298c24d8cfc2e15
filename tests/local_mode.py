"""A pytest plugin (`-p tests.local_mode` in pyproject.toml), loaded before Django's settings:
the tests run in the embedded local mode unless the environment says otherwise.

Under pytest-xdist (`-n 2`, as `make test` runs) every worker process gets resources of its own
here, before anything reads them: pytest-django already gives it its own test database
(test_…_gw0); Redis gets a database number of its own, and the ports the suite binds (fault
tests' own Redis, the identity providers) are shifted by PORT_OFFSET."""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("DJANGO_ENV", "local")

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", … or "" without xdist
WORKER_INDEX = int(WORKER[2:]) if WORKER.startswith("gw") else -1
# 0 without xdist; 20, 40, … per worker (the suite's fixed ports lie within 20 of each other).
PORT_OFFSET = 20 * (WORKER_INDEX + 1)


def _own_redis_database(url: str) -> str:
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    # Redis has databases 0–15; workers take the ones after the configured one.
    return urlunsplit(parts._replace(path=f"/{(database + WORKER_INDEX + 1) % 16}"))


if WORKER:
    if os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = _own_redis_database(os.environ["REDIS_URL"])
    os.environ.setdefault("TEST_OIDC_IDP_PORT", str(8181 + PORT_OFFSET))
    os.environ.setdefault("TEST_SAML_IDP_PORT", str(8182 + PORT_OFFSET))

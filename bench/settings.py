"""Settings for benchmark runs only: the real settings plus a bare view at /bench/bare/ (the
floor every page is compared with) and static files collected under var/bench/."""

from ale_safety.settings import *  # noqa: F403
from ale_safety.settings import VAR_DIR

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = VAR_DIR / "bench" / "static"

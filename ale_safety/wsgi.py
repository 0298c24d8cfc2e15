import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ale_safety.settings")
application = get_wsgi_application()
# What was loaded to serve (modules, settings, apps, models: ~180 000 objects) lives as long as
# the worker: kept out of the garbage collector's full collections, which would otherwise walk
# all of it every few hundred requests (about 0.1 s each, measured in bench/NOTES.md).
gc.freeze()

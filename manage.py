#!/usr/bin/env python
import os
import sys

# Commands that only read the code (no database, broker or mail) run in the embedded local mode
# unless told otherwise, so `manage.py check` works in a bare checkout. Everything else, and
# `check --deploy`, keeps the production default, which refuses a half configuration.
CODE_ONLY = {"check", "makemigrations", "makemessages", "compilemessages"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ale_safety.settings")
    if sys.argv[1:2] and sys.argv[1] in CODE_ONLY and "--deploy" not in sys.argv:
        os.environ.setdefault("DJANGO_ENV", "local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)

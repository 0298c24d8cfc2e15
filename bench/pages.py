"""Queries and CPU per signed-in page on the demo data, in one process (no PostgreSQL needed).

    DJANGO_ENV=local DJANGO_DEBUG=false python bench/pages.py [--runs 20] [words of page names]

On the configured database (the local SQLite one by default) after `manage.py load_demo`: per
page the queries of the second request, the same request when the session is due for its
refresh (SessionLifetimeMiddleware), and the CPU time of this process per request (the best
of three rounds of --runs requests; on SQLite that includes the database's work). Sessions
are kept in the database, as the tests count them. bench/run.py measures the generated data
sets on PostgreSQL.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ale_safety.settings")


def pages():
    from followup.models import Cycle, Report

    cycle = Cycle.objects.get(
        version__programme__municipality__slug="ale", status=Cycle.Status.OPEN
    )
    own = Report.objects.get(cycle=cycle, unit__name="Sektor utbildning")
    submitted = (
        Report.objects.filter(cycle=cycle, status=Report.Status.SUBMITTED)
        .order_by("unit__path")
        .first()
    )
    m = "/uppfoljning/ale"
    listed = [
        ("dashboard (security chief)", "ale-sakerhetschef", f"{m}/omgang/{cycle.pk}/"),
        ("report page (sector chief)", "ale-sektorchef", f"{m}/rapport/{own.pk}/"),
        ("report page (security chief)", "ale-sakerhetschef", f"{m}/rapport/{submitted.pk}/"),
        ("export CSV (security chief)", "ale-sakerhetschef", f"{m}/omgang/{cycle.pk}/export.csv"),
        ("follow-up index (security chief)", "ale-sakerhetschef", f"{m}/"),
        ("follow-up index (sector chief)", "ale-sektorchef", f"{m}/"),
        ("reports page (council member)", "ale-fortroendevald", f"{m}/rapporter/"),
        ("notifications (security chief)", "ale-sakerhetschef", "/konto/notiser/"),
        ("action register (security chief)", "ale-sakerhetschef", f"{m}/atgarder/"),
        ("action register (sector chief)", "ale-sektorchef", f"{m}/atgarder/"),
        ("årshjul (security chief)", "ale-sakerhetschef", "/arshjul/ale/"),
    ]
    for username in (
        "ale-sakerhetschef",
        "ale-sektorchef",
        "ale-fortroendevald",
        "ale-medarbetare",
        "ale-administrator",
    ):
        listed.append((f"start page ({username})", username, "/start/"))
    return listed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("words", nargs="*")
    options = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    # As the tests count: sessions in the database, a cache of this process's own, static
    # files without collectstatic's manifest, no login attempts recorded.
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SESSION_ENGINE = "ale_safety.sessions.db"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = False
    from django.test import Client

    from ale_safety.middleware import SessionLifetimeMiddleware
    from bench.run import counted
    from responsibilities.models import User

    def queries_of(client, path):
        queries, response = counted(client.get, path)  # bench/run.py's uncapped counter
        assert response.status_code == 200, (path, response.status_code)
        return queries

    print(f"{'page':42} queries  refresh  CPU ms")
    clients = {}
    for label, username, path in pages():
        if options.words and not any(word in label for word in options.words):
            continue
        if username not in clients:
            clients[username] = Client(HTTP_X_FORWARDED_PROTO="https")
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        client.get(path)  # warm: caches and the per-process translations
        queries = queries_of(client, path)
        session = client.session
        session[SessionLifetimeMiddleware.SEEN] = 0
        session.save()
        refresh = queries_of(client, path)
        rounds = []
        for _round in range(3):
            start = time.process_time()
            for _ in range(options.runs):
                client.get(path)
            rounds.append((time.process_time() - start) * 1000 / options.runs)
        print(f"{label:42} {queries:7} {refresh:8} {min(rounds):7.1f}")


if __name__ == "__main__":
    main()

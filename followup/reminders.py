"""Who is told what about the yearly follow-up, and when. Every function is safe to run twice:
notifications are unique per (recipient, kind, subject, period)."""

import functools
from collections import defaultdict

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from followup.models import Action, Cycle, Report
from responsibilities.capabilities import Capability, RoleKind
from responsibilities.deadlines import recipients_by_municipality
from responsibilities.email_preferences import AtOnce
from responsibilities.models import Assignment, UnitPermission, User
from responsibilities.notifications import Notification, email_at_once, notify, notify_many


class Notice(models.TextChoices):
    """The notification kinds the follow-up sends (registered in FollowupConfig.ready())."""

    CYCLE_OPENED = "cycle_opened", _("Follow-up opened")
    REPORT_DUE = "report_due", _("Follow-up report due")
    REPORT_OVERDUE = "report_overdue", _("Follow-up report overdue")
    REPORT_ESCALATED = "report_escalated", _("Overdue follow-up report escalated")
    REPORT_RETURNED = "report_returned", _("Follow-up report returned")
    REPORT_SUBMITTED = "report_submitted", _("Follow-up report submitted")
    REPORT_APPROVED = "report_approved", _("Follow-up report approved")
    ACTION_DUE = "action_due", _("Action due")
    ACTION_OVERDUE = "action_overdue", _("Action overdue")


def unit_people(unit_ids) -> dict[int, list[int]]:
    """People who submit each unit's report (hold submit_followup for the unit). One query."""
    rows = (
        UnitPermission.objects.in_force()
        .filter(
            permission__codename=Capability.SUBMIT_FOLLOWUP,
            content_object_id__in=unit_ids,
            user__is_active=True,
        )
        .values_list("content_object_id", "user_id")
    )
    people = defaultdict(list)
    for unit_id, user_id in rows:
        people[unit_id].append(user_id)
    return people


def committee_chairs(reports) -> dict[int, list[int]]:
    """For each report, the people holding the committee role in a committee above its unit."""
    ancestors = {r["pk"]: [int(i) for i in r["unit_path"].strip("/").split("/")] for r in reports}
    wanted = {unit_id for ids in ancestors.values() for unit_id in ids}
    holders = defaultdict(list)
    for unit_id, user_id in (
        Assignment.objects.active()
        .filter(role__kind=RoleKind.COMMITTEE, unit_id__in=wanted, person__is_active=True)
        .values_list("unit_id", "person_id")
    ):
        holders[unit_id].append(user_id)
    return {pk: [u for i in ids for u in holders.get(i, [])] for pk, ids in ancestors.items()}


_SLUG, _PK = "municipalityslug", 987654321


@functools.cache
def _url_template(name: str) -> str:
    """The URL pattern of a follow-up page addressed by municipality and pk (a report's, an
    action's), reversed once: the scans link thousands of reports, pages link a row each, and
    reverse() per row was a good part of their time."""
    url = reverse(name, kwargs={"municipality": _SLUG, "pk": _PK})
    return url.replace(_SLUG, "{slug}", 1).replace(str(_PK), "{pk}", 1)


def report_url(slug: str, pk: int, name: str = "followup:report_edit") -> str:
    return _url_template(name).format(slug=slug, pk=pk)


# The report columns a reminder needs, as values() rows (no model instances in the scans).
REPORT_FIELDS = {
    "pk": "pk",
    "unit_id": "unit_id",
    "unit_name": "unit__name",
    "unit_path": "unit__path",
    "cycle_id": "cycle_id",
    "year": "cycle__year",
    "due_on": "cycle__due_on",
    "reminder_days": "cycle__reminder_days",
    "escalate_after_days": "cycle__escalate_after_days",
    "municipality_id": "cycle__version__programme__municipality_id",
    "slug": "cycle__version__programme__municipality__slug",
}


def report_rows(queryset) -> list[dict]:
    return [
        {key: row[column] for key, column in REPORT_FIELDS.items()}
        for row in queryset.values(*REPORT_FIELDS.values())
    ]


def _row(user_id, kind, report, period, text, **params):
    return {
        "recipient_id": user_id,
        "kind": kind,
        "subject": f"report:{report['pk']}",
        "period": period,
        "text": text,
        "params": {"unit": report["unit_name"], "date": report["due_on"].isoformat(), **params},
        "url": report_url(report["slug"], report["pk"]),
    }


def scan_reports(today=None) -> int:
    """Daily: remind units whose report is not in before the due date (per the cycle's
    thresholds), the day after it and weekly after that, and escalate to the security chief
    and the committee chair after the cycle's number of days. Constant number of queries."""
    today = today or timezone.localdate()
    reports = report_rows(
        Report.objects.not_submitted().filter(
            cycle__status=Cycle.Status.OPEN, cycle__opens_on__lte=today
        )
    )
    people = unit_people({r["unit_id"] for r in reports})
    overdue = [r for r in reports if r["due_on"] < today]
    chiefs = recipients_by_municipality(
        Capability.MANAGE_CYCLES, {r["municipality_id"] for r in overdue}
    )
    chairs = committee_chairs(
        [r for r in overdue if (today - r["due_on"]).days >= r["escalate_after_days"]]
    )
    thresholds = functools.cache(Cycle.thresholds_of)
    rows = []
    for report in reports:
        days_left = (report["due_on"] - today).days
        unit_ids = people.get(report["unit_id"], [])
        if days_left >= 0:
            passed = [d for d in thresholds(report["reminder_days"]) if days_left <= d]
            if passed:
                rows += [
                    _row(
                        u,
                        Notice.REPORT_DUE,
                        report,
                        f"due-{min(passed)}d",
                        gettext_noop("The follow-up report of %(unit)s is due on %(date)s."),
                    )
                    for u in unit_ids
                ]
            continue
        days_over = -days_left
        week = (days_over - 1) // 7
        rows += [
            _row(
                u,
                Notice.REPORT_OVERDUE,
                report,
                f"overdue-w{week}",
                gettext_noop("The follow-up report of %(unit)s was due on %(date)s."),
            )
            for u in unit_ids
        ]
        if days_over >= report["escalate_after_days"]:
            escalate_to = set(chiefs.get(report["municipality_id"], []))
            escalate_to |= set(chairs.get(report["pk"], []))
            rows += [
                _row(
                    u,
                    Notice.REPORT_ESCALATED,
                    report,
                    "escalated",
                    gettext_noop(
                        "%(unit)s has not submitted its follow-up report, due on "
                        "%(date)s (%(days)s days overdue)."
                    ),
                    days=days_over,
                )
                for u in sorted(escalate_to)
            ]
    notify_many(rows)
    return len(reports)


def scan_actions(today=None) -> int:
    """Daily: remind the unit before an unfinished action is due, and flag it when overdue.
    Only the latest copy of a carried-over action counts. Constant number of queries."""
    today = today or timezone.localdate()
    days_before = getattr(settings, "FOLLOWUP_ACTION_REMINDER_DAYS", 7)
    actions = (
        Action.objects.filter(
            due_on__isnull=False, report__cycle__status__in=[Cycle.Status.OPEN, Cycle.Status.CLOSED]
        )
        .exclude(status__in=Action.FINISHED_STATES)
        .exclude(Exists(Action.objects.filter(carried_from=OuterRef("pk"))))
        .filter(due_on__lte=today + timezone.timedelta(days=days_before))
        .values_list(
            "pk",
            "what",
            "due_on",
            "report_id",
            "report__unit_id",
            "report__unit__name",
            "report__cycle__version__programme__municipality__slug",
        )
    )
    actions = list(actions)
    people = unit_people({unit_id for _pk, _what, _due, _report, unit_id, *_rest in actions})
    rows = []
    for pk, what, due_on, report_id, unit_id, unit_name, slug in actions:
        overdue = due_on < today
        url = report_url(slug, report_id)
        for user_id in people.get(unit_id, []):
            rows.append(
                {
                    "recipient_id": user_id,
                    "kind": Notice.ACTION_OVERDUE if overdue else Notice.ACTION_DUE,
                    "subject": f"action:{pk}",
                    "period": "overdue" if overdue else f"due-{days_before}d",
                    "text": gettext_noop("The action “%(what)s” (%(unit)s) was due on %(date)s.")
                    if overdue
                    else gettext_noop("The action “%(what)s” (%(unit)s) is due on %(date)s."),
                    "params": {"what": what[:80], "unit": unit_name, "date": due_on.isoformat()},
                    "url": url,
                }
            )
    notify_many(rows)
    return len(actions)


def announce_cycles(cycles) -> int:
    """Tell each unit's reporters that the cycle is open: the cycles' reports in one query,
    their people in one, and only the notices not sent before are written."""
    reports = report_rows(Report.objects.filter(cycle__in=cycles))
    people = unit_people({r["unit_id"] for r in reports})
    rows = [
        _row(
            u,
            Notice.CYCLE_OPENED,
            report,
            f"cycle:{report['cycle_id']}",
            gettext_noop(
                "The follow-up %(year)s is open: the report of %(unit)s is due on %(date)s."
            ),
            year=report["year"],
        )
        for report in reports
        for u in people.get(report["unit_id"], [])
    ]
    notify_many(rows)
    return len(rows)


def cycle_opened(cycle_id) -> int:
    return announce_cycles(Cycle.objects.filter(pk=cycle_id, status=Cycle.Status.OPEN))


def announce_open_cycles() -> int:
    """Daily: catch up on "cycle opened" notices a lost task would have created, for every
    open cycle at once (idempotent; a constant number of queries per batch)."""
    return announce_cycles(Cycle.objects.filter(status=Cycle.Status.OPEN))


def _report(report_id):
    return (
        Report.objects.select_related("unit", "cycle__version__programme__municipality")
        .filter(pk=report_id)
        .first()
    )


def _as_row(report) -> dict:
    """A report instance as the row shape of report_rows()."""
    cycle, unit = report.cycle, report.unit
    municipality = cycle.version.programme.municipality
    return {
        "pk": report.pk,
        "unit_id": unit.pk,
        "unit_name": unit.name,
        "unit_path": unit.path,
        "cycle_id": cycle.pk,
        "year": cycle.year,
        "due_on": cycle.due_on,
        "reminder_days": cycle.reminder_days,
        "escalate_after_days": cycle.escalate_after_days,
        "municipality_id": municipality.pk,
        "slug": municipality.slug,
    }


def report_submitted(report_id) -> int:
    report = _report(report_id)
    if report is None or report.status != Report.Status.SUBMITTED:
        return 0
    municipality_id = report.cycle.version.programme.municipality_id
    reviewers = recipients_by_municipality(Capability.REVIEW_FOLLOWUP, [municipality_id])
    # One notice per submission (its event), in a period that fits the column.
    submitted = report.events.filter(to_status=Report.Status.SUBMITTED).order_by("-at").first()
    rows = [
        _row(
            u,
            Notice.REPORT_SUBMITTED,
            _as_row(report),
            f"submitted:{submitted.pk if submitted else 0}",
            gettext_noop("%(unit)s has submitted its follow-up report for review."),
        )
        for u in reviewers.get(municipality_id, [])
    ]
    for row in rows:
        row["url"] = report_url(
            report.cycle.version.programme.municipality.slug, report.pk, "followup:report"
        )
        row["params"]["year"] = report.cycle.year
    notify_many(rows)
    _email_now(
        report,
        Notice.REPORT_SUBMITTED,
        f"submitted:{submitted.pk if submitted else 0}",
        gettext_noop("%(unit)s: the follow-up %(year)s has been submitted for review"),
    )
    return len(rows)


def _email_now(report, kind, period, subject) -> int:
    """A step that asks someone to act is e-mailed at once, not left to tomorrow's digest."""
    return email_at_once(
        Notification.objects.filter(kind=kind, subject=f"report:{report.pk}", period=period),
        subject,
        AtOnce.FOLLOWUP,
    )


def report_approved(report, event) -> int:
    """Tell the unit its report was approved (called inside the approval's transaction)."""
    text = (
        gettext_noop("The follow-up report of %(unit)s was approved: %(comment)s")
        if event.comment
        else gettext_noop("The follow-up report of %(unit)s was approved.")
    )
    url = reverse(
        "followup:report",
        kwargs={"municipality": report.cycle.version.programme.municipality.slug, "pk": report.pk},
    )
    told = 0
    for user_id in unit_people([report.unit_id]).get(report.unit_id, []):
        told += notify(
            User(pk=user_id),
            Notice.REPORT_APPROVED,
            f"report:{report.pk}",
            f"approved:{event.pk}",
            text,
            params={
                "unit": report.unit.name,
                "comment": event.comment[:200],
                "year": report.cycle.year,
            },
            url=url,
        )
    _email_now(
        report,
        Notice.REPORT_APPROVED,
        f"approved:{event.pk}",
        gettext_noop("%(unit)s: the follow-up %(year)s has been approved"),
    )
    return told


# (comments on questions: none, one, more; an overall comment) → the notice's text.
RETURNED_TEXTS = {
    (0, True): gettext_noop("The follow-up report of %(unit)s was returned: %(comment)s"),
    (0, False): gettext_noop("The follow-up report of %(unit)s was returned."),
    (1, True): gettext_noop(
        "The follow-up report of %(unit)s was returned with a comment on one question: %(comment)s"
    ),
    (1, False): gettext_noop(
        "The follow-up report of %(unit)s was returned with a comment on one question."
    ),
    (2, True): gettext_noop(
        "The follow-up report of %(unit)s was returned with comments on %(count)s questions: "
        "%(comment)s"
    ),
    (2, False): gettext_noop(
        "The follow-up report of %(unit)s was returned with comments on %(count)s questions."
    ),
}


def report_returned(report_id) -> int:
    report = _report(report_id)
    if report is None or report.status != Report.Status.RETURNED:
        return 0
    returned = report.events.filter(to_status=Report.Status.RETURNED).order_by("-at").first()
    count = report.review_comments.filter(round=report.review_round()).count()
    text = RETURNED_TEXTS[(min(count, 2), bool(report.return_comment))]
    rows = [
        _row(
            u,
            Notice.REPORT_RETURNED,
            _as_row(report),
            f"returned:{returned.pk if returned else 0}",
            text,
            comment=report.return_comment[:200],
            count=count,
            year=report.cycle.year,
        )
        for u in unit_people([report.unit_id]).get(report.unit_id, [])
    ]
    notify_many(rows)
    _email_now(
        report,
        Notice.REPORT_RETURNED,
        f"returned:{returned.pk if returned else 0}",
        gettext_noop("%(unit)s: the follow-up %(year)s has been returned"),
    )
    return len(rows)


def run_daily() -> int:
    """The daily follow-up job: catch up on "cycle opened" notices a lost task would have
    created, then the report and action reminders (each idempotent)."""
    open_cycles = Cycle.objects.filter(status=Cycle.Status.OPEN).values_list("pk", flat=True)
    return sum(cycle_opened(pk) for pk in open_cycles) + scan_reports() + scan_actions()


def remind_now(cycle, *, by, today=None) -> tuple[list[str], list[str], list[str]]:
    """The security chief's "send a reminder now" to the units that have not submitted: at
    most once a day per unit. Returns the names of the units reminded, of those already
    reminded today, and of those with nobody to remind. The notifications (unique per
    recipient, kind, report and day), the audit event and the e-mail owed are written in
    one transaction; the outbox sends the e-mail, so a broker that is down only delays it."""
    from responsibilities import outbox
    from responsibilities.audit import AuditEvent, record
    from responsibilities.notifications import Notification

    today = today or timezone.localdate()
    period = f"now:{today.isoformat()}"
    with transaction.atomic():
        # Two clicks at once wait for each other here; the unique key stops what slips past.
        Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
        reports = report_rows(
            Report.objects.not_submitted()
            .filter(cycle=cycle, cycle__status=Cycle.Status.OPEN)
            .order_by("unit__path", "unit__name")
        )
        done = set(
            Notification.objects.filter(
                kind__in=[Notice.REPORT_DUE, Notice.REPORT_OVERDUE],
                subject__in=[f"report:{r['pk']}" for r in reports],
                period=period,
            ).values_list("subject", flat=True)
        )
        people = unit_people({r["unit_id"] for r in reports})
        reminded, already, nobody, rows = [], [], [], []
        for report in reports:
            if f"report:{report['pk']}" in done:
                already.append(report["unit_name"])
                continue
            recipients = people.get(report["unit_id"], [])
            if not recipients:
                nobody.append(report["unit_name"])
                continue
            reminded.append(report["unit_name"])
            overdue = report["due_on"] < today
            rows += [
                _row(
                    u,
                    Notice.REPORT_OVERDUE if overdue else Notice.REPORT_DUE,
                    report,
                    period,
                    gettext_noop("The follow-up report of %(unit)s was due on %(date)s.")
                    if overdue
                    else gettext_noop("The follow-up report of %(unit)s is due on %(date)s."),
                )
                for u in recipients
            ]
        if rows:
            notify_many(rows)
            record(
                AuditEvent.Action.REMINDER_SENT,
                actor=by,
                municipality=cycle.version.programme.municipality_id,
                target=str(cycle),
                reminded=reminded,
            )
            recipients = sorted({row["recipient_id"] for row in rows})
            outbox.enqueue("responsibilities.send_digests_to", recipients)
    return reminded, already, nobody

"""Who is told what about the yearly follow-up, and when. Every function is safe to run twice:
notifications are unique per (recipient, kind, subject, period)."""

import string
from collections import defaultdict

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from followup.models import Action, Cycle, Report
from responsibilities.access import permission_id
from responsibilities.capabilities import Capability, RoleKind
from responsibilities.deadlines import holding, recipients_by_municipality
from responsibilities.email_preferences import AtOnce
from responsibilities.links import page_url, url_template
from responsibilities.models import (
    OrganisationUnit,
    UnitPermission,
    User,
    grant_in_force,
    in_force,
)
from responsibilities.notifications import (
    Notification,
    email_at_once,
    notify,
    notify_each,
    notify_many,
)


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


def reporting(prefix: str = "", permission: int | None = None) -> Q:
    """The rule for who reports for a unit, as a condition on a unit grant (`prefix` reaches
    it through a relation): submit_followup for the unit, in force today, to an active person.
    unit_people() reads the grants; the set-based scans join them (to_reporters) and give the
    permission's id as `permission` (access.permission_id()): joined by its codename instead,
    PostgreSQL guessed a fourteenth of the reporters and hashed reporters × reports in batches
    on disk."""
    if permission is None:
        which = {f"{prefix}permission__codename": Capability.SUBMIT_FOLLOWUP}
    else:
        which = {f"{prefix}permission_id": permission}
    return grant_in_force(prefix=prefix) & Q(**which, **{f"{prefix}user__is_active": True})


def committee_member(prefix: str = "") -> Q:
    """The rule for who hears of a report escalated in a unit below a committee, as a
    condition on an assignment: a committee role held today by an active person."""
    return in_force(prefix=prefix) & Q(
        **{f"{prefix}role__kind": RoleKind.COMMITTEE, f"{prefix}person__is_active": True}
    )


def unit_people(unit_ids) -> dict[int, list[int]]:
    """People who submit each unit's report (hold submit_followup for the unit). One query."""
    rows = UnitPermission.objects.filter(reporting(), content_object_id__in=unit_ids).values_list(
        "content_object_id", "user_id"
    )
    people = defaultdict(list)
    for unit_id, user_id in rows:
        people[unit_id].append(user_id)
    return people


# Who hears of a report, for the set-based scans: each function takes a queryset of reports
# (or of rows that reach a report through `to`) and returns it joined to the people, one row
# per (report, person), with the expression of the person's id. The conditions on the joined
# grant or assignment go in one filter() so that they all hold for the same joined row.


def to_reporters(rows, to=""):
    """The people who report for the report's unit (reporting()). One query."""
    grant = f"{to}unit__unitpermission__"
    permission = permission_id(OrganisationUnit, Capability.SUBMIT_FOLLOWUP)
    return rows.filter(reporting(grant, permission)), F(f"{grant}user_id")


def to_cycle_managers(reports):
    """The people who manage the municipality's follow-up cycles (the security chief)."""
    grant = "cycle__version__programme__municipality__municipalitypermission__"
    return reports.filter(holding(Capability.MANAGE_CYCLES, grant)), F(f"{grant}user_id")


def to_committee_members(reports):
    """The committee members (committee_member()) of the report's unit or a unit above it
    (a unit is above when its materialised path begins the unit's)."""
    above = "unit__municipality__units__"
    assignment = f"{above}assignments__"
    return reports.filter(
        committee_member(assignment), unit__path__startswith=F(f"{above}path")
    ), F(f"{assignment}person_id")


def report_url(slug: str, pk: int, name: str = "followup:report_edit") -> str:
    """A report's form (or another follow-up page by `name`) for the reminders' links."""
    return page_url(slug, pk, name)


def report_url_sql(slug, pk, name: str = "followup:report_edit"):
    """report_url() as an SQL expression of the slug's and pk's expressions."""
    parts = []
    for literal, field, _spec, _conversion in string.Formatter().parse(url_template(name)):
        if literal:
            parts.append(Value(literal))
        if field:
            parts.append({"slug": slug, "pk": pk}[field])
    return Concat(*parts, output_field=CharField())


MUNICIPALITY_SLUG = "cycle__version__programme__municipality__slug"


# The report columns a reminder needs, as values() rows (no model instances in the scans).
REPORT_FIELDS = {
    "pk": "pk",
    "unit_id": "unit_id",
    "unit_name": "unit__name",
    "cycle_id": "cycle_id",
    "year": "cycle__year",
    "due_on": "cycle__due_on",
    "reminder_days": "cycle__reminder_days",
    "escalate_after_days": "cycle__escalate_after_days",
    "municipality_id": "cycle__version__programme__municipality_id",
    "slug": MUNICIPALITY_SLUG,
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


def notify_about_reports(
    reports, recipient, *, kind, period, text, digest_day=None, **params
) -> int:
    """_row() for every (report, person) row of `reports` in one INSERT … SELECT (notify_each):
    the report's unit and due date in the params, the link to its form; a daily scan gives
    the day whose digest takes them."""
    return notify_each(
        reports,
        recipient=recipient,
        kind=kind,
        subject=Concat(Value("report:"), "pk", output_field=CharField()),
        period=period,
        text=text,
        params={"unit": F("unit__name"), "date": F("cycle__due_on"), **params},
        url=report_url_sql(F(MUNICIPALITY_SLUG), F("pk")),
        digest_day=digest_day,
    )


def per_cycle(values: dict, cycle="cycle_id"):
    """An expression worth values[the row's cycle]: what a scan decides per cycle in Python
    (from the cycle's dates and thresholds), written per row in SQL."""
    cycles = defaultdict(list)
    for cycle_id, value in values.items():
        cycles[value].append(cycle_id)
    return Case(
        *[When(**{f"{cycle}__in": sorted(ids)}, then=Value(value)) for value, ids in cycles.items()]
    )


DUE_TEXT = gettext_noop("The follow-up report of %(unit)s is due on %(date)s.")
OVERDUE_TEXT = gettext_noop("The follow-up report of %(unit)s was due on %(date)s.")
ESCALATED_TEXT = gettext_noop(
    "%(unit)s has not submitted its follow-up report, due on %(date)s (%(days)s days overdue)."
)


def reminder_of(due_on, reminder_days, today) -> tuple[str, str, str] | None:
    """The reminder a report not yet submitted earns today, the same for every report of its
    cycle: (kind, period, text) before the due date (the nearest threshold passed), the day
    after it and weekly after that; None between thresholds."""
    days_left = (due_on - today).days
    if days_left >= 0:
        passed = [d for d in Cycle.thresholds_of(reminder_days) if days_left <= d]
        return (Notice.REPORT_DUE, f"due-{min(passed)}d", DUE_TEXT) if passed else None
    week = (-days_left - 1) // 7
    return Notice.REPORT_OVERDUE, f"overdue-w{week}", OVERDUE_TEXT


def scan_reports(today=None) -> int:
    """Daily: remind units whose report is not in before the due date (per the cycle's
    thresholds), the day after it and weekly after that, and escalate to the security chief
    and the committee chair after the cycle's number of days. Decided per open cycle in
    Python, written per report and person in SQL (notify_each()): the same queries however many
    reports, at most four (and one SET before each write on PostgreSQL).
    Returns the number of notifications written."""
    today = today or timezone.localdate()
    waiting = Report.objects.not_submitted().filter(
        cycle__status=Cycle.Status.OPEN, cycle__opens_on__lte=today
    )
    reminders, escalations = {}, {}
    cycles = Cycle.objects.filter(status=Cycle.Status.OPEN, opens_on__lte=today).order_by()
    for pk, due_on, reminder_days, escalate_after_days in cycles.values_list(
        "pk", "due_on", "reminder_days", "escalate_after_days"
    ):
        reminder = reminder_of(due_on, reminder_days, today)
        if reminder:
            reminders[pk] = reminder
        days_over = (today - due_on).days
        if days_over > 0 and days_over >= escalate_after_days:
            escalations[pk] = days_over
    told = 0
    # The day's reminders and escalations are written together or not at all.
    with transaction.atomic(savepoint=False):
        if reminders:
            reports, recipient = to_reporters(waiting.filter(cycle_id__in=sorted(reminders)))
            kind, period, text = (
                per_cycle({pk: reminder[i] for pk, reminder in reminders.items()}) for i in range(3)
            )
            told += notify_about_reports(
                reports, recipient, kind=kind, period=period, text=text, digest_day=today
            )
        if escalations:
            late = waiting.filter(cycle_id__in=sorted(escalations))
            for reports, recipient in (to_cycle_managers(late), to_committee_members(late)):
                told += notify_about_reports(
                    reports,
                    recipient,
                    kind=Notice.REPORT_ESCALATED,
                    period="escalated",
                    text=ESCALATED_TEXT,
                    digest_day=today,
                    days=per_cycle(escalations),
                )
    return told


def scan_actions(today=None) -> int:
    """Daily: remind the unit before an unfinished action is due, and flag it when overdue.
    Only the latest copy of a carried-over action counts. One statement (notify_each(): on
    PostgreSQL a SET before it) however many actions;
    returns the number of notifications written."""
    today = today or timezone.localdate()
    days_before = getattr(settings, "FOLLOWUP_ACTION_REMINDER_DAYS", 7)
    actions = (
        Action.objects.filter(
            due_on__isnull=False, report__cycle__status__in=[Cycle.Status.OPEN, Cycle.Status.CLOSED]
        )
        .exclude(status__in=Action.FINISHED_STATES)
        .exclude(Exists(Action.objects.filter(carried_from=OuterRef("pk"))))
        .filter(due_on__lte=today + timezone.timedelta(days=days_before))
    )
    actions, recipient = to_reporters(actions, to="report__")
    overdue = Q(due_on__lt=today)

    def due_or_overdue(due, late):
        return Case(When(overdue, then=Value(late)), default=Value(due))

    return notify_each(
        actions,
        recipient=recipient,
        kind=due_or_overdue(Notice.ACTION_DUE, Notice.ACTION_OVERDUE),
        subject=Concat(Value("action:"), "pk", output_field=CharField()),
        period=due_or_overdue(f"due-{days_before}d", "overdue"),
        text=due_or_overdue(
            gettext_noop("The action “%(what)s” (%(unit)s) is due on %(date)s."),
            gettext_noop("The action “%(what)s” (%(unit)s) was due on %(date)s."),
        ),
        params={
            "what": Substr("what", 1, 80),
            "unit": F("report__unit__name"),
            "date": F("due_on"),
        },
        url=report_url_sql(F(f"report__{MUNICIPALITY_SLUG}"), F("report_id")),
        digest_day=today,
    )


def announce_cycles(reports, digest_day=None) -> int:
    """Tell the reporters of each of these reports that its cycle is open, in one INSERT …
    SELECT: only the notices not sent before are written. Returns how many were."""
    reports, recipient = to_reporters(reports)
    return notify_about_reports(
        reports,
        recipient,
        digest_day=digest_day,
        kind=Notice.CYCLE_OPENED,
        period=Concat(Value("cycle:"), "cycle_id", output_field=CharField()),
        text=gettext_noop(
            "The follow-up %(year)s is open: the report of %(unit)s is due on %(date)s."
        ),
        year=F("cycle__year"),
    )


def cycle_opened(cycle_id) -> int:
    return announce_cycles(
        Report.objects.filter(cycle_id=cycle_id, cycle__status=Cycle.Status.OPEN)
    )


def announce_open_cycles(today=None) -> int:
    """Daily: catch up on "cycle opened" notices a lost task would have created, for every
    open cycle at once (idempotent; one statement, notify_each())."""
    return announce_cycles(
        Report.objects.filter(cycle__status=Cycle.Status.OPEN),
        digest_day=today or timezone.localdate(),
    )


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
    return announce_open_cycles() + scan_reports() + scan_actions()


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
                    OVERDUE_TEXT if overdue else DUE_TEXT,
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

"""The follow-up pages: who gets what, on the demo's Ale cycles and reports."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from followup.models import Action, Attachment, Cycle, Report
from programmes.models import ProgrammeVersion
from tests.authz import (
    ADMINISTRATOR,
    ANONYMOUS,
    COUNCIL_MEMBER,
    EMPLOYEE,
    OTHER_MUNICIPALITY,
    PERSONAS,
    SECTOR_CHIEF_A,
    SECTOR_CHIEF_B,
    SECURITY_CHIEF,
    Case,
    only,
)
from tests.followup.conftest import reopened


def cycle(year=2026) -> dict:
    pk = Cycle.objects.get(version__programme__municipality__slug="ale", year=year).pk
    return {"municipality": "ale", "pk": pk}


def report(unit, year=2026) -> dict:
    pk = Report.objects.get(unit__name=unit, unit__municipality__slug="ale", cycle__year=year).pk
    return {"municipality": "ale", "pk": pk}


def area_questions_data(general=False) -> dict:
    """The first application area's form of the 2026 questions (or the general ones'), its
    first question reworded."""
    questions = list(
        Cycle.objects.get(pk=cycle()["pk"])
        .questions.filter(area__isnull=general)
        .select_related("area")
        .order_by("position")
    )
    area = questions[0].area_id
    questions = [q for q in questions if q.area_id == area]
    key = "allmanna" if general else str(area)
    prefix = f"omrade-{key}"
    data = {
        "area": key,
        f"{prefix}-TOTAL_FORMS": str(len(questions)),
        f"{prefix}-INITIAL_FORMS": str(len(questions)),
    }
    for index, question in enumerate(questions):
        data[f"{prefix}-{index}-id"] = str(question.pk)
        data[f"{prefix}-{index}-text"] = "Ändrad fråga" if index == 0 else question.text
        data[f"{prefix}-{index}-ORDER"] = str(index + 1)
    return data


def attachment() -> dict:
    """Evidence on Sektor samhällsbyggnad's approved 2025 report (one small file, reused)."""
    kwargs = report("Sektor samhällsbyggnad", 2025)
    name = "followup/authz-evidence.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"%PDF-1.7\n%%EOF\n"))
    with reopened(kwargs["pk"]):
        item = Attachment.objects.create(
            report_id=kwargs["pk"],
            file=name,
            original_name="evidence.pdf",
            content_type="application/pdf",
            size=15,
        )
    return {**kwargs, "attachment": item.pk}


def action() -> dict:
    """A started action on Sektor utbildning's 2025 report (reported to its committee, so
    frozen but for the status): its chief and the security chief may update it."""
    kwargs = report(DRAFT, 2025)
    with reopened(kwargs["pk"]):
        item = Action.objects.create(
            report_id=kwargs["pk"], what="Ses över", status=Action.Status.STARTED, position=9
        )
    return {"municipality": "ale", "pk": item.pk}


# The security chief for the whole municipality, each unit's chief for their units.
REGISTER_KEEPERS = only([SECURITY_CHIEF, SECTOR_CHIEF_A, SECTOR_CHIEF_B])


def with_status(statuses: dict, **changes) -> dict:
    return {**statuses, **changes}


CHIEF_ONLY = only([SECURITY_CHIEF])
CHIEF_ONLY_POST = only([SECURITY_CHIEF], ok=302)
OVERSEERS = only([SECURITY_CHIEF, COUNCIL_MEMBER])
DRAFT = "Sektor utbildning"  # ale-sektorchef's 2026 draft
SUBMITTED = "Sektor samhällsbyggnad"  # ale-sektorchef-2's 2026 report, waiting for review


def edit_data() -> dict:
    revision = Report.objects.get(pk=report(DRAFT)["pk"]).revision
    # The general questions' part, as posted (empty): saving it moves the revision on.
    return {"revision": str(revision), "intent": "save", "del": "allmant"}


CASES = [
    Case(
        "followup:index",
        kwargs=lambda: {"municipality": "ale"},
        get=only([SECURITY_CHIEF, COUNCIL_MEMBER, SECTOR_CHIEF_A, SECTOR_CHIEF_B]),
    ),
    Case(
        "followup:cycle_create",
        kwargs=lambda: {"municipality": "ale"},
        get=CHIEF_ONLY,
        post=CHIEF_ONLY_POST,
        data=lambda: {
            "version": ProgrammeVersion.objects.get(
                programme__municipality__slug="ale", status="adopted"
            ).pk,
            "year": "2027",
            "opens_on": "2027-11-01",
            "due_on": "2028-01-31",
        },
    ),
    Case("followup:cycle", kwargs=cycle, get=OVERSEERS),
    Case(
        "followup:export",
        kwargs=lambda: {**cycle(2025), "fmt": "csv"},
        get=OVERSEERS,
        label="csv",
    ),
    Case(
        "followup:export",
        kwargs=lambda: {**cycle(2025), "fmt": "xlsx"},
        get=OVERSEERS,
        label="xlsx",
    ),
    Case(
        "followup:cycle_manage",
        kwargs=cycle,
        get=CHIEF_ONLY,
        post=CHIEF_ONLY_POST,
        data=lambda: {"opens_on": "2026-11-01", "due_on": "2027-02-15"},
    ),
    Case(
        "followup:cycle_status",
        kwargs=cycle,
        post=CHIEF_ONLY_POST,
        data=lambda: {"intent": "close"},
    ),
    Case(
        "followup:cycle_board",
        kwargs=lambda: cycle(2025),
        post=CHIEF_ONLY_POST,
        data=lambda: {"board-date": "2026-05-01", "board-paragraph": "60"},
    ),
    # The first area's questions of the open 2026 cycle, reworded in one form (answered
    # ones keep their answer type, so it is not posted for them): on the area's own page,
    # and as a page shown before each area had one posted them.
    Case(
        "followup:cycle_area",
        kwargs=lambda: {**cycle(), "area": area_questions_data()["area"]},
        get=CHIEF_ONLY,
        post=CHIEF_ONLY_POST,
        data=area_questions_data,
    ),
    Case(
        "followup:cycle_area",
        kwargs=lambda: {**cycle(), "area": "allmanna"},
        get=CHIEF_ONLY,
        post=CHIEF_ONLY_POST,
        data=lambda: area_questions_data(general=True),
        label="general",
    ),
    Case(
        "followup:cycle_questions",
        kwargs=cycle,
        post=CHIEF_ONLY_POST,
        data=area_questions_data,
    ),
    # A draft: its unit only, nobody else (not even the security chief).
    Case(
        "followup:report", kwargs=lambda: report(DRAFT), get=only([SECTOR_CHIEF_A]), label="draft"
    ),
    Case(
        "followup:report",
        kwargs=lambda: report(SUBMITTED),
        get=only([SECTOR_CHIEF_B, SECURITY_CHIEF]),
        label="submitted",
    ),
    Case(
        "followup:report",
        kwargs=lambda: report(DRAFT, 2025),
        get=only([SECTOR_CHIEF_A, SECURITY_CHIEF, COUNCIL_MEMBER]),
        label="approved",
    ),
    Case(
        "followup:report_edit",
        kwargs=lambda: report(DRAFT),
        get=only([SECTOR_CHIEF_A]),
        post=only([SECTOR_CHIEF_A], ok=302),
        data=edit_data,
        label="draft",
    ),
    # Submitted: its unit is sent to the read-only page; the reviewer may read, not edit.
    Case(
        "followup:report_edit",
        kwargs=lambda: report(SUBMITTED),
        get=with_status(only([SECTOR_CHIEF_B], ok=302), **{SECURITY_CHIEF: 403}),
        # Its unit is sent back to the report, unchanged; others are refused as for GET.
        post=with_status(only([SECTOR_CHIEF_B], ok=302), **{SECURITY_CHIEF: 403}),
        data=edit_data,
        label="submitted",
    ),
    Case(
        "followup:report_review",
        kwargs=lambda: report(SUBMITTED),
        post=with_status(CHIEF_ONLY_POST, **{SECTOR_CHIEF_B: 403}),
        data=lambda: {"intent": "approve"},
    ),
    Case(
        "followup:report_committee",
        kwargs=lambda: report(SUBMITTED, 2025),
        post=with_status(CHIEF_ONLY_POST, **{SECTOR_CHIEF_B: 403, COUNCIL_MEMBER: 403}),
        data=lambda: {"committee-date": "2026-03-12", "committee-paragraph": "25"},
    ),
    Case("followup:actions", kwargs=lambda: {"municipality": "ale"}, get=REGISTER_KEEPERS),
    Case(
        "followup:actions_export",
        kwargs=lambda: {"municipality": "ale", "fmt": "csv"},
        get=REGISTER_KEEPERS,
        label="csv",
    ),
    Case(
        "followup:actions_export",
        kwargs=lambda: {"municipality": "ale", "fmt": "xlsx"},
        get=REGISTER_KEEPERS,
        label="xlsx",
    ),
    # Sektor samhällsbyggnad's chief keeps a register, but not of this unit's actions.
    Case(
        "followup:action_status",
        kwargs=action,
        get=only([SECURITY_CHIEF, SECTOR_CHIEF_A]),
        post=only([SECURITY_CHIEF, SECTOR_CHIEF_A], ok=302),
        data=lambda: {"status": "done", "note": "Klart i oktober"},
    ),
    Case(
        "followup:attachment",
        kwargs=attachment,
        get=only([SECTOR_CHIEF_B, SECURITY_CHIEF, COUNCIL_MEMBER]),
    ),
]
assert all(set(case.get or case.post) == set(PERSONAS) for case in CASES)
assert {ANONYMOUS, EMPLOYEE, OTHER_MUNICIPALITY, ADMINISTRATOR} <= set(PERSONAS)

"""A large, realistic, deterministic data set for benchmarks (`generate_scale_data`).

Every municipality gets the same shape: KF, KS, committees, sectors, companies and units
(46 by default, 40 of which report), one role of every kind, people with assignments, the
guardian permission rows that `sync_permissions()` would write for them, the Ale programme
text as its adopted programme, and a follow-up cycle per year with reports, answers, actions
and their review history. The newest cycle is open (due in a month), the older ones closed.

Rows are built as tuples with ids allocated up front (from the table's current maximum) and
written per table in batches: COPY on PostgreSQL, bulk_create elsewhere. Each municipality
draws from its own seeded random generator, so its content does not depend on the others.
"""

from __future__ import annotations

import datetime
import enum
import random
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.functional import Promise

from followup.models import Action, Answer, Attainment, Cycle, Question, Report, ReportEvent
from followup.models.cycles import DEFAULT_AREA_QUESTIONS, DEFAULT_GENERAL_QUESTIONS
from programmes import demo as programme_demo
from programmes.html import clean_html
from programmes.models import Programme, ProgrammeVersion, RelatedDocument, Section, SectionItem
from responsibilities import demo as responsibility_demo
from responsibilities.capabilities import RoleKind, capabilities_of, is_municipality_wide
from responsibilities.models import (
    Assignment,
    Municipality,
    MunicipalityPermission,
    OrganisationUnit,
    Role,
    UnitPermission,
    User,
    YearlyDeadline,
)

SLUG_PREFIX = "skala-"
PROGRAMME_SLUG = "trygghet-och-sakerhet"
PASSWORD = "scale"  # noqa: S105 - synthetic benchmark data, refused in production
K = OrganisationUnit.Kind
R = RoleKind
S = Report.Status
T = Question.AnswerType
OPEN_STATES = (S.DRAFT, S.RETURNED)  # a report's content may change (followup 0005)
CycleUnit = Cycle.units.through

COMMITTEES = [
    ("Utbildningsnämnden", "UN", "Sektor utbildning", "SU"),
    ("Socialnämnden", "SN", "Sektor socialtjänst", "SS"),
    ("Samhällsbyggnadsnämnden", "SBN", "Sektor samhällsbyggnad", "SSB"),
    ("Kultur- och fritidsnämnden", "KFN", "Sektor kultur och fritid", "SKF"),
]
COMPANIES = ["Bostads AB", "Energi AB", "Vatten AB"]
TEXTS = [
    "Arbetet har följt årets plan.",
    "Rutinerna har setts över och uppdaterats under året.",
    "Personalen har genomgått utbildning i brandskydd och krisberedskap.",
    "En övning har genomförts tillsammans med räddningstjänsten.",
    "Riskanalysen visar behov av bättre skalskydd i två lokaler.",
    "Inga allvarliga händelser har inträffat; tre tillbud har rapporterats och utvärderats.",
    "Arbetet har försenats av vakanser men planeras att slutföras nästa år.",
]
ACTIONS = [
    "Uppdatera krisledningsplanen",
    "Genomföra utrymningsövning",
    "Installera passersystem i huvudentrén",
    "Utbilda chefer i informationssäkerhet",
    "Se över rutin för hot och våld",
    "Inventera reservkraft",
    "Genomföra risk- och sårbarhetsanalys",
]
ATTAINMENT_WEIGHTS = [
    (Attainment.MET, 5),
    (Attainment.PARTLY_MET, 4),
    (Attainment.NOT_MET, 1),
    (Attainment.NOT_ASSESSED, 1),
]


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


# --- writing ------------------------------------------------------------------------------


class Table:
    """Rows of one model as tuples in the order of its concrete fields, with defaults."""

    def __init__(self, model, now):
        self.model = model
        self.fields = model._meta.concrete_fields
        self.names = [f.attname for f in self.fields]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.template = [self._default(f, now) for f in self.fields]
        self.rows: list[tuple] = []
        self.count = 0

    @staticmethod
    def _default(field, now):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        if isinstance(field, models.CharField | models.TextField):
            return ""
        return None

    def row(self, **values) -> tuple:
        row = list(self.template)
        for name, value in values.items():
            if isinstance(value, Promise | enum.Enum):
                value = str(value)  # lazy labels and choices: plain strings for COPY
            row[self.index[name]] = value
        return tuple(row)


class Writer:
    """Allocates ids and writes batches of rows per table (COPY on PostgreSQL)."""

    BATCH = 50_000

    def __init__(self, now):
        self.now = now
        self.tables: dict = {}
        self.next_id: dict = {}
        self.postgresql = connection.vendor == "postgresql"

    def table(self, model) -> Table:
        if model not in self.tables:
            self.tables[model] = Table(model, self.now)
            last = model.objects.aggregate(m=models.Max("pk"))["m"] or 0
            self.next_id[model] = last + 1
        return self.tables[model]

    def new_id(self, model) -> int:
        self.table(model)
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def add(self, model, **values) -> int:
        """Queue a row; returns its id."""
        table = self.table(model)
        if "id" not in values:
            values["id"] = self.new_id(model)
        table.rows.append(table.row(**values))
        if len(table.rows) >= self.BATCH:
            self.flush()  # every table, parents (first used) before children
        return values["id"]

    def flush(self, model=None):
        models_ = [model] if model else list(self.tables)
        for each in models_:
            table = self.tables[each]
            if not table.rows:
                continue
            if self.postgresql:
                self._copy(table)
            else:
                each.objects.bulk_create(
                    [each(**dict(zip(table.names, row, strict=True))) for row in table.rows],
                    batch_size=500,
                )
            table.count += len(table.rows)
            table.rows = []

    def _copy(self, table: Table):
        columns = ", ".join(connection.ops.quote_name(f.column) for f in table.fields)
        sql = f"COPY {connection.ops.quote_name(table.model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in table.rows:
                copy.write_row(row)

    def finish(self):
        self.flush()
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.tables))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            if self.postgresql:
                # Fresh statistics for the planner (autovacuum would take a while to notice).
                for model in self.tables:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def close_reports(self, closing: list[tuple]):
        """Give the reports written open their real status (and committee date) in bulk.

        Called after finish(): every answer, action and event is in, so this is the ordinary
        draft → submitted/approved/reported change the triggers allow, not a bypass."""
        if not closing:
            return
        if not self.postgresql:
            for pk, status, committee_date in closing:
                Report.objects.filter(pk=pk).update(status=status, committee_date=committee_date)
            return
        report = connection.ops.quote_name(Report._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE scale_closing (id bigint PRIMARY KEY, status text, "
                "committee_date date) ON COMMIT DROP"
            )
            with cursor.cursor.copy(
                "COPY scale_closing (id, status, committee_date) FROM STDIN"
            ) as copy:
                for row in closing:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {report} AS r SET status = c.status, committee_date = c.committee_date "
                "FROM scale_closing AS c WHERE r.id = c.id"
            )
            cursor.execute("DROP TABLE scale_closing")
            cursor.execute(f"ANALYZE {report}")

    def counts(self) -> dict[str, int]:
        return {m._meta.label: t.count + len(t.rows) for m, t in self.tables.items()}


# --- the plan of one municipality ---------------------------------------------------------


@dataclass
class Options:
    municipalities: int = 290
    years: int = 10
    units_per_sector: int = 8
    seed: int = 2026
    today: datetime.date | None = None
    prefix: str = SLUG_PREFIX  # of the municipalities' slugs (and so of the usernames)


class Generator:
    """Generates the data set into a Writer (order of tables: parents before children)."""

    def __init__(self, writer: Writer, options: Options):
        self.w = writer
        self.o = options
        self.today = options.today or timezone.localdate()
        self.password = make_password(PASSWORD, salt="scalebenchsalt")
        self.permissions = {
            model: {
                p.codename: p.pk
                for p in Permission.objects.filter(
                    content_type=ContentType.objects.get_for_model(model)
                )
            }
            for model in (Municipality, OrganisationUnit)
        }
        self.sections = self._section_templates()
        self.versions: list[int] = []  # written as drafts, adopted by generate()
        # (report id, status, committee date): written open, closed by close_reports()
        self.closing: list[tuple] = []

    @staticmethod
    def _section_templates():
        templates = []
        for kind, heading, body, items, closing in programme_demo.ALE["sections"]:
            parsed = [item if isinstance(item, tuple) else (None, item) for item in items]
            templates.append((kind, heading, clean_html(body), parsed, clean_html(closing)))
        return templates

    def run(self):
        for index in range(1, self.o.municipalities + 1):
            self.municipality(index)
        self.w.finish()

    # Organisation, roles, people and their permission rows.
    def municipality(self, index: int):
        w, rng = self.w, random.Random(f"{self.o.seed}:{index}")  # noqa: S311 - test data
        slug = f"{self.o.prefix}{index:03d}"
        label = "Skalkommun" if self.o.prefix == SLUG_PREFIX else self.o.prefix.strip("-").title()
        name = f"{label} {index:03d}"
        m = w.add(
            Municipality,
            name=name,
            slug=slug,
            contact_name="Kontaktcenter",
            phone=f"010-{index:03d} 00 00",
            email=f"kommun@{slug}.invalid",
        )
        self.name = name
        units: list[dict] = []

        def unit(name, kind, parent=None, short=""):
            pk = w.new_id(OrganisationUnit)
            path = (parent["path"] if parent else "/") + f"{pk}/"
            row = {"id": pk, "kind": kind, "name": name, "path": path, "parent": parent}
            w.add(
                OrganisationUnit,
                id=pk,
                municipality_id=m,
                parent_id=parent["id"] if parent else None,
                kind=kind,
                name=name,
                short_name=short,
                path=path,
            )
            units.append(row)
            return row

        kf = unit("Kommunfullmäktige", K.COUNCIL, short="KF")
        ks = unit("Kommunstyrelsen", K.EXECUTIVE_BOARD, kf, "KS")
        sectors = [unit("Sektor kommunstyrelsen", K.SECTOR, ks, "SKS")]
        committees = []
        for committee_name, short, sector_name, sector_short in COMMITTEES:
            committee = unit(committee_name, K.COMMITTEE, kf, short)
            committees.append(committee)
            sectors.append(unit(sector_name, K.SECTOR, committee, sector_short))
        companies = [unit(f"{name} {index:03d}", K.COMPANY, kf) for name in COMPANIES]
        leaves = [
            unit(f"Enhet {sector['name'].removeprefix('Sektor ')} {n}", K.UNIT, sector)
            for sector in sectors[1:]
            for n in range(1, self.o.units_per_sector + 1)
        ]
        reporting = [*sectors, *companies, *leaves]

        for deadline_name, month, day, after in responsibility_demo.YEARLY_DEADLINES:
            w.add(
                YearlyDeadline,
                municipality_id=m,
                name=deadline_name,
                month=month,
                day=day,
                after_election_only=after,
            )
        role_names = responsibility_demo.ROLES["ale"]
        roles = {
            kind: w.add(
                Role,
                municipality_id=m,
                kind=kind,
                name=role_names.get(kind, (kind.label, ""))[0],
                responsibility=role_names.get(kind, ("", ""))[1],
            )
            for kind in RoleKind
        }

        people: dict[str, int] = {}
        subtree = defaultdict(list)
        for row in units:
            for ancestor in row["path"].strip("/").split("/"):
                subtree[int(ancestor)].append(row["id"])
        started = datetime.date(self.today.year - self.o.years - 1, 1, 1)

        def person(key, first, last, kind, where=None, *, ends_on=None, ended=False):
            username = f"{slug}-{key}"
            pk = w.add(
                User,
                username=username,
                password=self.password,
                first_name=first,
                last_name=last,
                email=f"{username}@example.invalid",
                date_joined=_aware(started),
            )
            people[key] = pk
            w.add(
                Assignment,
                person_id=pk,
                role_id=roles[kind],
                unit_id=where["id"] if where else None,
                starts_on=started,
                ends_on=ends_on,
                ended_at=_aware(ends_on) if ended else None,
            )
            # The rows sync_permissions() writes for an active assignment (and none otherwise).
            active = not ended and (ends_on is None or ends_on >= self.today)
            if active:
                self.grant(pk, m, kind, where, subtree, period=(started, ends_on))
            return pk

        person("sakerhetschef", "Sara", "Säkerhetschef", R.SECURITY_CHIEF)
        person("administrator", "Adam", "Administratör", R.ADMINISTRATOR)
        person("kommunchef", "Karin", "Kommunchef", R.MUNICIPAL_DIRECTOR)
        for n in range(1, 4):
            person(f"fortroendevald-{n}", "Frida", f"Förtroendevald {n}", R.ELECTED_REPRESENTATIVE)
        for n in range(1, 6):
            person(f"medarbetare-{n}", "Maja", f"Medarbetare {n}", R.EMPLOYEE)
        for n, committee in enumerate(committees, 1):
            person(f"namnd-{n}", "Nils", f"Nämndledamot {n}", R.COMMITTEE, committee)
        chiefs = {}
        for n, sector in enumerate(sectors, 1):
            chiefs[sector["id"]] = person(
                f"sektorchef-{n}", "Sven", f"Sektorchef {n}", R.SECTOR_CHIEF, sector
            )
            person(f"handlaggare-{n}", "Hanna", f"Handläggare {n}", R.SECURITY_OFFICER, sector)
            # The sector's previous chief: an assignment that ended two years ago.
            person(
                f"tidigare-sektorchef-{n}",
                "Tor",
                f"Tidigare sektorchef {n}",
                R.SECTOR_CHIEF,
                sector,
                ends_on=self.today - datetime.timedelta(days=730),
                ended=True,
            )
        for n, company in enumerate(companies, 1):
            chiefs[company["id"]] = person(
                f"vd-{n}", "Bo", f"Bolags-VD {n}", R.COMPANY_CEO, company
            )
        for n, leaf in enumerate(leaves, 1):
            chiefs[leaf["id"]] = person(f"chef-{n}", "Cia", f"Enhetschef {n}", R.MANAGER, leaf)
        # A stand-in whose assignment ran out yesterday: the daily scan has yet to end it.
        person(
            "vikarie",
            "Vera",
            "Vikarie",
            R.SECURITY_OFFICER,
            sectors[1],
            ends_on=self.today - datetime.timedelta(days=1),
        )
        self.programme(rng, m, slug, kf, roles, reporting, chiefs, people)

    def grant(self, user_id, municipality_id, kind, where, subtree, *, period):
        capabilities = sorted(capabilities_of(kind))
        dates = {"valid_from": period[0], "valid_until": period[1]}
        if where is None or is_municipality_wide(kind):
            for codename in capabilities:
                self.w.add(
                    MunicipalityPermission,
                    user_id=user_id,
                    content_object_id=municipality_id,
                    permission_id=self.permissions[Municipality][codename],
                    **dates,
                )
        if where is not None:
            for unit_id in subtree[where["id"]]:
                for codename in capabilities:
                    self.w.add(
                        UnitPermission,
                        user_id=user_id,
                        content_object_id=unit_id,
                        permission_id=self.permissions[OrganisationUnit][codename],
                        **dates,
                    )

    # The programme, its cycles and reports.
    def programme(self, rng, m, slug, kf, roles, reporting, chiefs, people):
        w = self.w
        first_year = self.today.year - self.o.years
        adopted_on = datetime.date(first_year - 1, 11, 1 + rng.randrange(20))
        revision_due = self.today + datetime.timedelta(days=rng.randrange(-400, 1500))
        programme = w.add(
            Programme,
            municipality_id=m,
            kind=Programme.Kind.PROGRAMME,
            slug=PROGRAMME_SLUG,
            created_at=_aware(adopted_on),
        )
        spec = programme_demo.ALE["version"]
        version = w.add(
            ProgrammeVersion,
            programme_id=programme,
            number=1,
            # Written as a draft, adopted at the end (the frozen-content triggers allow that).
            status=ProgrammeVersion.Status.DRAFT,
            title=spec["title"].replace("Ale kommun", self.name),
            adopting_body_id=kf["id"],
            decision_date=adopted_on,
            paragraph=str(rng.randrange(1, 200)),
            case_number=f"KS{adopted_on.year}.{rng.randrange(1, 900)}",
            valid_from=datetime.date(first_year, 1, 1),
            revision_due=revision_due,
            adopted_at=_aware(adopted_on),
            created_at=_aware(adopted_on),
            updated_at=_aware(adopted_on),
        )
        self.versions.append(version)
        areas = []
        for position, (kind, heading, body, items, closing) in enumerate(self.sections, 1):
            section = w.add(
                Section,
                version_id=version,
                kind=kind,
                position=position,
                heading=heading,
                body=body,
                closing=closing,
            )
            for item_position, (role_kind, text) in enumerate(items, 1):
                item = w.add(
                    SectionItem,
                    section_id=section,
                    position=item_position,
                    text=text,
                    role_id=roles.get(role_kind) if role_kind else None,
                )
                if kind == Section.Kind.APPLICATION_AREAS:
                    areas.append(item)
        for position, title in enumerate(programme_demo.ALE["related"], 1):
            w.add(RelatedDocument, version_id=version, position=position, title=title, file="")

        carried: dict[int, list[tuple]] = {}
        for year in range(first_year, self.today.year):
            current = year == self.today.year - 1
            carried = self.cycle(
                rng, version, year, current, areas, reporting, chiefs, people, roles, carried
            )

    def cycle(self, rng, version, year, current, areas, reporting, chiefs, people, roles, carried):
        w = self.w
        chief = people["sakerhetschef"]
        if current:
            opens_on = self.today - datetime.timedelta(days=30)
            due_on = self.today + datetime.timedelta(days=30)
        else:
            opens_on = datetime.date(year + 1, 1, 15)
            due_on = datetime.date(year + 1, 3, 31)
        board_date = None if current else datetime.date(year + 1, 6, 10)
        cycle = w.add(
            Cycle,
            version_id=version,
            year=year,
            opens_on=opens_on,
            due_on=due_on,
            status=Cycle.Status.OPEN if current else Cycle.Status.CLOSED,
            created_at=_aware(opens_on - datetime.timedelta(days=14)),
            created_by_id=chief,
            opened_at=_aware(opens_on),
            opened_by_id=chief,
            closed_at=None if current else _aware(due_on + datetime.timedelta(days=60)),
            closed_by_id=None if current else chief,
            board_date=board_date,
            board_paragraph="" if current else str(rng.randrange(1, 300)),
            board_recorded_at=_aware(board_date) if board_date else None,
            board_recorded_by_id=None if current else chief,
        )
        questions = []
        position = 0
        for area in areas:
            for text, answer_type, required in DEFAULT_AREA_QUESTIONS:
                position += 1
                questions.append((area, text, answer_type, required, position))
        for text, answer_type, required in DEFAULT_GENERAL_QUESTIONS:
            position += 1
            questions.append((None, text, answer_type, required, position))
        question_ids = [
            (
                w.add(
                    Question,
                    cycle_id=cycle,
                    area_id=area,
                    text=text,
                    answer_type=answer_type,
                    required=required,
                    position=position,
                    changed_at=_aware(opens_on - datetime.timedelta(days=14)),  # with the cycle
                ),
                answer_type,
                required,
                text,
            )
            for area, text, answer_type, required, position in questions
        ]
        unfinished: dict[int, list[tuple]] = {}
        for unit in reporting:
            w.add(CycleUnit, cycle_id=cycle, organisationunit_id=unit["id"])
            status = self._status(rng, current, unit)
            submitted = _aware(due_on - datetime.timedelta(days=rng.randrange(1, 20)))
            approved = submitted + datetime.timedelta(days=rng.randrange(2, 20))
            committee_date = (approved + datetime.timedelta(days=30)).date()
            # Written open (draft or returned) and closed by close_reports() once its answers
            # and actions are in: the frozen-report triggers (followup 0005) refuse content
            # under a submitted, approved or reported report, as they should for every writer.
            report = w.add(
                Report,
                cycle_id=cycle,
                unit_id=unit["id"],
                status=status if status in OPEN_STATES else S.DRAFT,
                return_comment="Komplettera handlingsplanen." if status == S.RETURNED else "",
                committee_date=None,  # only a reported report has one (a check constraint)
                committee_paragraph=str(rng.randrange(1, 200)) if status == S.REPORTED else "",
                submitted_at=submitted if status != S.DRAFT else None,
                approved_at=approved if status in Report.APPROVED_STATES else None,
                revision=rng.randrange(1, 6),
                updated_at=approved if status != S.DRAFT else _aware(self.today),
            )
            if status not in OPEN_STATES:
                self.closing.append(
                    (report, str(status), committee_date if status == S.REPORTED else None)
                )
            self._events(rng, report, status, chiefs[unit["id"]], chief, submitted, approved)
            self._answers(rng, report, status, question_ids, submitted)
            unfinished[unit["id"]] = self._actions(
                rng, report, year, current, roles, carried.get(unit["id"], [])
            )
        return unfinished

    @staticmethod
    def _status(rng, current, unit):
        if not current:
            return S.REPORTED if rng.random() < 0.85 else S.APPROVED
        if unit["kind"] == K.SECTOR:
            return S.DRAFT  # the sector chiefs are still writing theirs
        return rng.choices(
            [S.DRAFT, S.RETURNED, S.SUBMITTED, S.APPROVED], weights=[40, 10, 25, 25]
        )[0]

    def _events(self, rng, report, status, author, chief, submitted, approved):
        chain = {
            S.DRAFT: [],
            S.SUBMITTED: [(S.DRAFT, S.SUBMITTED, author, submitted)],
            S.RETURNED: [
                (S.DRAFT, S.SUBMITTED, author, submitted),
                (S.SUBMITTED, S.RETURNED, chief, approved),
            ],
            S.APPROVED: [
                (S.DRAFT, S.SUBMITTED, author, submitted),
                (S.SUBMITTED, S.APPROVED, chief, approved),
            ],
        }
        chain[S.REPORTED] = [
            *chain[S.APPROVED],
            (S.APPROVED, S.REPORTED, chief, approved + datetime.timedelta(days=30)),
        ]
        for from_status, to_status, by, at in chain[status]:
            self.w.add(
                ReportEvent,
                report_id=report,
                from_status=from_status,
                to_status=to_status,
                by_id=by,
                at=at,
                comment="Komplettera handlingsplanen." if to_status == S.RETURNED else "",
            )

    def _answers(self, rng, report, status, questions, at):
        draft = status == S.DRAFT
        share = rng.random() if draft else 1.0
        levels, weights = zip(*ATTAINMENT_WEIGHTS, strict=True)
        for question, answer_type, required, text in questions:
            if draft and rng.random() > share:
                continue
            if not required and rng.random() < 0.5:
                continue
            values = {}
            if answer_type == T.SCALE:
                values["attainment"] = rng.choices(levels, weights=weights)[0]
            elif answer_type == T.YES_NO:
                values["yes_no"] = rng.random() < 0.85
            else:
                values["text"] = rng.choice(TEXTS)
            # The wording answered (a check constraint: never blank).
            self.w.add(
                Answer,
                report_id=report,
                question_id=question,
                question_text=text,
                updated_at=at,
                **values,
            )

    def _actions(self, rng, report, year, current, roles, carried):
        """Carry last year's unfinished actions over, add new ones; return the unfinished."""
        unfinished = []
        rows = [(what, role, starts, due, pk) for what, role, starts, due, pk in carried]
        for _ in range(rng.randrange(0, 4)):
            starts = datetime.date(year + 1, 1 + rng.randrange(6), 1)
            due = starts + datetime.timedelta(days=rng.randrange(60, 400))
            role = roles[rng.choice([R.SECTOR_CHIEF, R.SECURITY_OFFICER, R.MANAGER])]
            rows.append((rng.choice(ACTIONS), role, starts, due, None))
        for position, (what, role, starts, due, carried_from) in enumerate(rows, 1):
            if current:
                status = rng.choice([Action.Status.NOT_STARTED, Action.Status.STARTED])
            else:
                status = rng.choices(
                    [Action.Status.DONE, Action.Status.DELAYED, Action.Status.CANCELLED],
                    weights=[80, 15, 5],
                )[0]
            pk = self.w.add(
                Action,
                report_id=report,
                what=what,
                responsible_role_id=role,
                starts_on=starts,
                due_on=due,
                status=status,
                carried_from_id=carried_from,
                position=position,
            )
            if status not in Action.FINISHED_STATES:
                unfinished.append((what, role, starts, due, pk))
        return unfinished


def already_generated(prefix: str = SLUG_PREFIX) -> bool:
    return Municipality.objects.filter(slug__startswith=prefix).exists()


@transaction.atomic
def generate(options: Options, writer: Writer | None = None) -> dict[str, int]:
    """Write the data set; returns the number of rows per model."""
    writer = writer or Writer(now=timezone.now())
    generator = Generator(writer, options)
    generator.run()
    writer.close_reports(generator.closing)
    # Adopt every programme version (draft → adopted: what the triggers allow).
    ProgrammeVersion.objects.filter(pk__in=generator.versions).update(
        status=ProgrammeVersion.Status.ADOPTED
    )
    if writer.postgresql:
        # Statistics of what the versions are now: analysed as drafts, PostgreSQL counted
        # one adopted version where there are one per municipality and planned the start
        # page's programme panel as a loop over every programme.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(ProgrammeVersion._meta.db_table)}")
    return writer.counts()

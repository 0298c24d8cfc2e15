"""Demo organisation, roles and people for Ale and Kalix. Idempotent: keyed by natural keys."""

import datetime

from django.db import transaction

from responsibilities.capabilities import RoleKind
from responsibilities.models import (
    Assignment,
    Municipality,
    OrganisationUnit,
    Role,
    User,
    YearlyDeadline,
)

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo credential, refused in production
DEMO_START = datetime.date(2023, 1, 1)

MUNICIPALITIES = {
    "ale": {
        "name": "Ale kommun",
        "contact_name": "Kontaktcenter",
        "contact_note": "Vi svarar gärna på dina frågor!",
        "phone": "0303-70 30 00",
        "email": "kommun@ale.se",
        "visiting_address": "Kommunhus Nödinge\nAle torg 7, Nödinge",
        "postal_address": "Ale kommun\n449 80 Alafors",
        "opening_hours": "Måndag–fredag\nkl. 8.00–16.30",
    },
    "kalix": {"name": "Kalix kommun"},
}

# (name, short name, kind, parent name, is_demo). KF and KS exist in every municipality.
UNITS = {
    "ale": [
        ("Kommunfullmäktige", "KF", OrganisationUnit.Kind.COUNCIL, None, False),
        (
            "Kommunstyrelsen",
            "KS",
            OrganisationUnit.Kind.EXECUTIVE_BOARD,
            "Kommunfullmäktige",
            False,
        ),
        ("Utbildningsnämnden", "UN", OrganisationUnit.Kind.COMMITTEE, "Kommunfullmäktige", True),
        (
            "Omsorgs- och arbetsmarknadsnämnden",
            "OAN",
            OrganisationUnit.Kind.COMMITTEE,
            "Kommunfullmäktige",
            True,
        ),
        (
            "Samhällsbyggnadsnämnden",
            "SBN",
            OrganisationUnit.Kind.COMMITTEE,
            "Kommunfullmäktige",
            True,
        ),
        ("Sektor kommunstyrelsen", "SKS", OrganisationUnit.Kind.SECTOR, "Kommunstyrelsen", True),
        ("Sektor utbildning", "SU", OrganisationUnit.Kind.SECTOR, "Utbildningsnämnden", True),
        (
            "Sektor arbetsliv och stöd",
            "SAS",
            OrganisationUnit.Kind.SECTOR,
            "Omsorgs- och arbetsmarknadsnämnden",
            True,
        ),
        (
            "Sektor samhällsbyggnad",
            "SSB",
            OrganisationUnit.Kind.SECTOR,
            "Samhällsbyggnadsnämnden",
            True,
        ),
        ("Förskoleenheten Nödinge", "", OrganisationUnit.Kind.UNIT, "Sektor utbildning", True),
        ("Ale bostadsbolag AB", "", OrganisationUnit.Kind.COMPANY, "Kommunfullmäktige", True),
        ("Ale energibolag AB", "", OrganisationUnit.Kind.COMPANY, "Kommunfullmäktige", True),
    ],
    "kalix": [
        ("Kommunfullmäktige", "KF", OrganisationUnit.Kind.COUNCIL, None, False),
        (
            "Kommunstyrelsen",
            "KS",
            OrganisationUnit.Kind.EXECUTIVE_BOARD,
            "Kommunfullmäktige",
            False,
        ),
        ("Tekniska nämnden", "TN", OrganisationUnit.Kind.COMMITTEE, "Kommunfullmäktige", True),
        ("Socialnämnden", "SN", OrganisationUnit.Kind.COMMITTEE, "Kommunfullmäktige", True),
        ("Teknisk förvaltning", "", OrganisationUnit.Kind.SECTOR, "Tekniska nämnden", True),
        ("Socialförvaltningen", "", OrganisationUnit.Kind.SECTOR, "Socialnämnden", True),
        ("Kalix kommunföretag AB", "", OrganisationUnit.Kind.COMPANY, "Kommunfullmäktige", True),
    ],
}

# Role names and responsibility texts, from the programme's own responsibility clauses.
ROLES = {
    "ale": {
        RoleKind.COUNCIL: ("Kommunfullmäktige", "Fastställer programmet."),
        RoleKind.COMMITTEE: (
            "Nämnd",
            "Ansvarar för att programmet tillämpas och följs upp i respektive verksamhet och tar "
            "vid behov fram handlingsplaner, vägledningar och rutiner.",
        ),
        RoleKind.EXECUTIVE_BOARD: (
            "Kommunstyrelsen",
            "Ansvarar för implementering, samordning, efterlevnad och uppföljning av kommunens "
            "trygghets-, säkerhets- och krisberedskapsarbete enligt reglementet.",
        ),
        RoleKind.MUNICIPAL_DIRECTOR: (
            "Kommunchef",
            "Ansvarar för att det finns en organisation med befogenheter och resurser för "
            "arbetet med trygghet, säkerhet och krisberedskap.",
        ),
        RoleKind.MANAGEMENT_TEAM: (
            "Förvaltningsledning",
            "Samordnar och utvecklar processen för kommunens samlade trygghets-, säkerhets- och "
            "krisberedskapsarbete.",
        ),
        RoleKind.SECTOR_CHIEF: (
            "Sektorchef",
            "Har ansvar för säkerheten i sin verksamhet/enhet och för att tjänsterna "
            "säkerhetshandläggare samt säkerhetsombud är bemannade.",
        ),
        RoleKind.SECURITY_CHIEF: (
            "Säkerhetschef",
            "Har kommunchefens mandat att driva alla processer internt i kommunen och vara "
            "kommunens representant i trygghets-, säkerhets- och krisberedskapsfrågor.",
        ),
        RoleKind.MANAGER: (
            "Chef",
            "Ansvarar för att beslutade rutiner och arbetssätt efterlevs och för att "
            "uppmärksamma risker och säkerhetsproblem.",
        ),
        RoleKind.ELECTED_REPRESENTATIVE: (
            "Förtroendevald",
            "Har ett personligt ansvar för att uppmärksamma och rapportera risker och "
            "säkerhetsproblem.",
        ),
        RoleKind.EMPLOYEE: (
            "Medarbetare",
            "Har ett personligt ansvar för att uppmärksamma och rapportera risker och "
            "säkerhetsproblem samt att följa givna säkerhetsbestämmelser och styrdokument.",
        ),
        RoleKind.COMPANY_CEO: (
            "Bolags-VD",
            "Ansvarar för att programmet tillämpas och följs upp i bolaget.",
        ),
        RoleKind.SECURITY_OFFICER: (
            "Säkerhetshandläggare",
            "Stödjer sektorn i det systematiska säkerhetsarbetet.",
        ),
        RoleKind.SECURITY_REPRESENTATIVE: (
            "Säkerhetsombud",
            "Är sektorns kontaktperson i säkerhetsfrågor på arbetsplatsen.",
        ),
        RoleKind.ADMINISTRATOR: (
            "Administratör",
            "Administrerar organisation, personer och roller.",
        ),
    },
    "kalix": {
        RoleKind.COUNCIL: ("Kommunfullmäktige", "Fattar beslut om säkerhetspolicy."),
        RoleKind.EXECUTIVE_BOARD: (
            "Kommunstyrelsen",
            "Är ytterst ansvarig för god säkerhet och för att säkerhetspolicyn efterlevs.",
        ),
        RoleKind.COMMITTEE: (
            "Nämnd",
            "Är ansvarig för säkerheten i respektive verksamhet; bolagsstyrelsen för säkerheten "
            "i de kommunala bolagen.",
        ),
        RoleKind.MANAGEMENT_TEAM: (
            "Förvaltnings- och bolagsledning",
            "Ansvarar för att politiska säkerhetsmål och riktlinjer förankras och efterlevs i "
            "verksamheten.",
        ),
        RoleKind.SECURITY_GROUP: (
            "Säkerhetsgruppen",
            "Samarbetsgrupp i de säkerhetsfrågor som berör kommunen.",
        ),
        RoleKind.SECURITY_CHIEF: (
            "Krisberedskaps- och säkerhetssamordnare",
            "Arbetar med övergripande planering, samordning och uppföljning av arbetet med "
            "säkerhet och trygghet.",
        ),
        RoleKind.SECTOR_CHIEF: ("Förvaltningschef", "Ansvarar för säkerheten i förvaltningen."),
        RoleKind.COMPANY_CEO: ("Bolags-VD", "Ansvarar för säkerheten i bolaget."),
        RoleKind.ELECTED_REPRESENTATIVE: (
            "Förtroendevald",
            "Läser och följer upp säkerhetsarbetet.",
        ),
        RoleKind.EMPLOYEE: (
            "Medarbetare",
            "Ska aktivt arbeta för ökad säkerhet och är skyldig att påpeka säkerhetsbrister "
            "till närmaste arbetsledare.",
        ),
        RoleKind.ADMINISTRATOR: (
            "Administratör",
            "Administrerar organisation, personer och roller.",
        ),
    },
}

# The roles' names for readers who use the site in English.
ROLE_NAMES_EN = {
    "Kommunfullmäktige": "Municipal council",
    "Nämnd": "Committee",
    "Kommunstyrelsen": "Municipal executive board",
    "Kommunchef": "Municipal director",
    "Förvaltningsledning": "Management team",
    "Förvaltnings- och bolagsledning": "Management of departments and companies",
    "Sektorchef": "Sector chief",
    "Förvaltningschef": "Head of department",
    "Säkerhetschef": "Security chief",
    "Krisberedskaps- och säkerhetssamordnare": "Crisis preparedness and security coordinator",
    "Chef": "Manager",
    "Förtroendevald": "Elected representative",
    "Medarbetare": "Employee",
    "Bolags-VD": "Company CEO",
    "Säkerhetshandläggare": "Security officer",
    "Säkerhetsombud": "Security representative",
    "Säkerhetsgruppen": "Security group",
    "Administratör": "Administrator",
}

# (username, first name, last name, municipality, role kind, unit name or None)
PEOPLE = [
    ("ale-sakerhetschef", "Sara", "Säkerhetschef", "ale", RoleKind.SECURITY_CHIEF, None),
    ("ale-sektorchef", "Sven", "Sektorchef", "ale", RoleKind.SECTOR_CHIEF, "Sektor utbildning"),
    (
        "ale-sektorchef-2",
        "Siri",
        "Sektorchef",
        "ale",
        RoleKind.SECTOR_CHIEF,
        "Sektor samhällsbyggnad",
    ),
    ("ale-fortroendevald", "Frida", "Förtroendevald", "ale", RoleKind.ELECTED_REPRESENTATIVE, None),
    ("ale-medarbetare", "Maja", "Medarbetare", "ale", RoleKind.EMPLOYEE, None),
    ("ale-administrator", "Adam", "Administratör", "ale", RoleKind.ADMINISTRATOR, None),
    ("ale-bolags-vd", "Bo", "Bolagschef", "ale", RoleKind.COMPANY_CEO, "Ale bostadsbolag AB"),
    (
        "ale-sektorchef-3",
        "Stina",
        "Sektorchef",
        "ale",
        RoleKind.SECTOR_CHIEF,
        "Sektor arbetsliv och stöd",
    ),
    (
        "ale-sektorchef-4",
        "Sam",
        "Sektorchef",
        "ale",
        RoleKind.SECTOR_CHIEF,
        "Sektor kommunstyrelsen",
    ),
    ("ale-kommunchef", "Karin", "Kommunchef", "ale", RoleKind.MUNICIPAL_DIRECTOR, None),
    (
        "ale-handlaggare-utb",
        "Hanna",
        "Handläggare",
        "ale",
        RoleKind.SECURITY_OFFICER,
        "Sektor utbildning",
    ),
    (
        "ale-ombud-utb",
        "Olle",
        "Ombud",
        "ale",
        RoleKind.SECURITY_REPRESENTATIVE,
        "Sektor utbildning",
    ),
    (
        "ale-handlaggare-sam",
        "Henrik",
        "Handläggare",
        "ale",
        RoleKind.SECURITY_OFFICER,
        "Sektor samhällsbyggnad",
    ),
    # Sektor samhällsbyggnad has no säkerhetsombud: the demo's staffing gap.
    ("kalix-sakerhetschef", "Kalle", "Samordnare", "kalix", RoleKind.SECURITY_CHIEF, None),
    (
        "kalix-sektorchef",
        "Karl",
        "Förvaltningschef",
        "kalix",
        RoleKind.SECTOR_CHIEF,
        "Teknisk förvaltning",
    ),
    (
        "kalix-fortroendevald",
        "Klara",
        "Förtroendevald",
        "kalix",
        RoleKind.ELECTED_REPRESENTATIVE,
        None,
    ),
    ("kalix-medarbetare", "Kim", "Medarbetare", "kalix", RoleKind.EMPLOYEE, None),
]


# Dates every municipality has (name, month, day, only the year after an election).
YEARLY_DEADLINES = [
    ("Uppföljning av krisberedskap till länsstyrelsen", 2, 15, False),
    ("Risk- och sårbarhetsanalys (RSA) till länsstyrelsen", 10, 31, True),
]


@transaction.atomic
def load() -> dict[str, Municipality]:
    municipalities = {}
    for slug, fields in MUNICIPALITIES.items():
        municipality, _ = Municipality.objects.update_or_create(slug=slug, defaults=fields)
        municipalities[slug] = municipality
        units: dict[str, OrganisationUnit] = {}
        for name, short, kind, parent, is_demo in UNITS[slug]:
            unit = OrganisationUnit.objects.filter(municipality=municipality, name=name).first()
            wanted = {"short_name": short, "kind": kind, "is_demo": is_demo}
            wanted["parent"] = units[parent] if parent else None
            if unit is None:
                unit = OrganisationUnit(municipality=municipality, name=name, **wanted)
                unit.save()
            elif any(getattr(unit, key) != value for key, value in wanted.items()):
                for key, value in wanted.items():
                    setattr(unit, key, value)
                unit.save()
            units[name] = unit
        for name, month, day, after_election in YEARLY_DEADLINES:
            YearlyDeadline.objects.get_or_create(
                municipality=municipality,
                name=name,
                defaults={"month": month, "day": day, "after_election_only": after_election},
            )
        for kind, (name, text) in ROLES[slug].items():
            Role.objects.update_or_create(
                municipality=municipality,
                kind=kind,
                defaults={"name": name, "name_en": ROLE_NAMES_EN[name], "responsibility": text},
            )
    for username, first, last, slug, kind, unit_name in PEOPLE:
        person = User.objects.filter(username=username).first()
        if person is None:
            person = User(username=username, first_name=first, last_name=last)
            person.email = f"{username}@example.org"
            person.set_password(DEMO_PASSWORD)
            person.municipality = municipalities[slug]
            person.save()
        elif person.municipality_id is None:
            person.municipality = municipalities[slug]
            person.save(update_fields=["municipality"])
        role = Role.objects.get(municipality=municipalities[slug], kind=kind)
        unit = (
            OrganisationUnit.objects.get(municipality=municipalities[slug], name=unit_name)
            if unit_name
            else None
        )
        Assignment.objects.get_or_create(
            person=person, role=role, unit=unit, defaults={"starts_on": DEMO_START}
        )
    return municipalities

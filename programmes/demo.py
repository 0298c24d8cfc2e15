"""Ale's programme 2021–2024 and Kalix's säkerhetspolicy 2007, in full, as adopted versions.

Texts follow the sources in docs/sources/, with the scraping artefacts corrected
("ansvararför" → "ansvarar för", "känlsa" → "känsla", …). Idempotent: an existing document is
left as it is, so a revision started in the browser survives a second run.
"""

import datetime

from django.db import transaction

from programmes.models import Programme, ProgrammeVersion, RelatedDocument, Section, SectionItem
from responsibilities.capabilities import RoleKind
from responsibilities.models import Municipality, OrganisationUnit, Role


def p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


ALE = {
    "municipality": "ale",
    "slug": "trygghet-och-sakerhet",
    "kind": Programme.Kind.PROGRAMME,
    "version": {
        "title": "Program för trygghet och säkerhet i Ale kommun 2021–2024",
        "valid_from": datetime.date(2021, 1, 1),
        "valid_until": datetime.date(2024, 12, 31),
        "revision_due": datetime.date(2024, 12, 31),
    },
    "adopting_body": "Kommunfullmäktige",
    "sections": [
        (
            Section.Kind.BACKGROUND,
            "Bakgrund",
            p(
                "Allmänheten, medborgare och besökare, företag, organisationer och anställda har "
                "rätt att kräva en god säkerhetsnivå och en hög känsla av trygghet i Ale kommun "
                "och dess verksamheter. Trygghets- och säkerhetsarbetet ska samtidigt utformas "
                "så att tillgången till och öppenheten inom kommunens verksamheter förblir så "
                "stor som möjligt.",
                "Trygghets-, krisberedskaps- och säkerhetsarbetet ska utgå från kontinuerliga "
                "riskanalyser för identifiering och värdering av risker och hot i verksamheten, "
                "lokalsamhället och omvärlden. Vid all riskbedömning ska personsäkerheten alltid "
                "prioriteras högt. Säkerhetsarbetet ska vara kunskapsbaserat, långsiktigt och "
                "bedrivas systematiskt.",
                "Programmet är en grund för det dagliga arbetet och en vägledning i gemensamt "
                "synsätt och gemensamma ambitioner. Program för trygghet och säkerhet har stark "
                "koppling till bland annat brandskyddspolicyn, informationssäkerhetspolicyn och "
                "andra styrdokument inom tillämpningsområden, som utgör komplement till "
                "programmet.",
            ),
            [],
            "",
        ),
        (
            Section.Kind.PURPOSES,
            "Syfte",
            "",
            [
                "fastställa mål för kommunens trygghetsfrämjande, brottsförebyggande, säkerhets- "
                "och krisberedskapsarbete",
                "skapa förutsättningar för att bedriva ett systematiskt och långsiktigt arbete "
                "inom respektive område",
                "bidra till ökad samordning i arbetet med trygghet och säkerhet",
            ],
            "",
        ),
        (
            Section.Kind.APPLICATION_AREAS,
            "Tillämpning",
            p(
                "Denna policy konkretiseras genom handlingsplaner, planer, rutiner och/eller "
                "bestämmelser som anger vad som gäller för Ale kommun inom områdena:"
            ),
            [
                "Trygghetsskapande och brottsförebyggande arbete",
                "Skydd mot olyckor samt systematiskt brandskyddsarbete (SBA)",
                "Krisberedskap",
                "Civilt försvar och säkerhetsskydd",
                "Informationssäkerhet",
            ],
            "",
        ),
        (
            Section.Kind.RESPONSIBILITIES,
            "Ansvar och omfattning",
            "",
            [
                (RoleKind.COUNCIL, "Kommunfullmäktige fastställer programmet"),
                (
                    RoleKind.COMMITTEE,
                    "Nämnder och kommunala bolag: ansvarar för att programmet tillämpas och följs "
                    "upp i respektive verksamhet och tar vid behov fram handlingsplaner, "
                    "vägledningar och rutiner för att mer konkret beskriva hur arbetet ska "
                    "utföras inom respektive organisatorisk enhet",
                ),
                (
                    RoleKind.EXECUTIVE_BOARD,
                    "Kommunstyrelsen (KS): ansvarar för implementering, samordning, efterlevnad "
                    "och uppföljning av kommunens trygghets-, säkerhets- och "
                    "krisberedskapsarbete enligt reglementet",
                ),
                (
                    RoleKind.MUNICIPAL_DIRECTOR,
                    "Kommunchefen (KC): ansvarar för att det finns en organisation med "
                    "befogenheter och resurser för arbetet med trygghet, säkerhet och "
                    "krisberedskap",
                ),
                (
                    RoleKind.MANAGEMENT_TEAM,
                    "Förvaltningsledningen (FL): samordnar och utvecklar processen för kommunens "
                    "samlade trygghets-, säkerhets- och krisberedskapsarbete",
                ),
                (
                    RoleKind.SECTOR_CHIEF,
                    "Sektorchefer: har ansvar för säkerheten i sin verksamhet/enhet liksom att "
                    "arbetet kan fungera utan störningar och att beslutade rutiner och "
                    "arbetssätt efterlevs inklusive att tjänsterna säkerhetshandläggare samt "
                    "säkerhetsombud är bemannade",
                ),
                (
                    RoleKind.SECURITY_CHIEF,
                    "Säkerhetschefen har kommunchefens mandat att driva alla processer internt i "
                    "kommunen och vara kommunens representant i trygghets-, säkerhets- och "
                    "krisberedskapsfrågor gentemot andra myndigheter och intressenter",
                ),
                (
                    RoleKind.MANAGER,
                    "Chefer: ansvarar för att beslutade rutiner och arbetssätt efterlevs, att "
                    "uppmärksamma risker och säkerhetsproblem samt initiera att åtgärder vidtas "
                    "inom sina verksamhetsområden samt bidrar till att utveckla arbetet med "
                    "interna och externa aktörer",
                ),
                (
                    RoleKind.EMPLOYEE,
                    "Alla förtroendevalda och medarbetare: har ett personligt ansvar för att "
                    "uppmärksamma och rapportera risker och säkerhetsproblem samt att följa "
                    "givna säkerhetsbestämmelser och styrdokument",
                ),
            ],
            "",
        ),
        (
            Section.Kind.FOLLOW_UP,
            "Uppföljning",
            p(
                "Uppföljning av trygghets-, säkerhets- och beredskapsarbetet ska genomföras "
                "varje år inom respektive sektor och bolag. Resultatet av denna uppföljning ska "
                "rapporteras till respektive nämnd samt till kommunstyrelsen som ansvarar för "
                "samordning. Programmet i sin helhet ska revideras år 2024."
            ),
            [],
            "",
        ),
    ],
    "related": ["Brandskyddspolicy", "Informationssäkerhetspolicy"],
}

KALIX = {
    "municipality": "kalix",
    "slug": "sakerhetspolicy",
    "kind": Programme.Kind.POLICY,
    "version": {
        "title": "Säkerhetspolicy",
        "subtitle": "Säkerhetspolicy och säkerhetsstrategi 2007. "
        "A. Säkerhetspolicy – anger de övergripande målen",
        "number_sections": True,
        "decision_date": datetime.date(2007, 9, 17),
        "paragraph": "130",
        # The source's own placeholder: "Antagen : 2007-, §XX, Dnr: XX".
        "case_number": "XX",
        "valid_from": datetime.date(2007, 9, 17),
    },
    "adopting_body": "Kommunfullmäktige",
    "sections": [
        (
            Section.Kind.BACKGROUND,
            "Bakgrund",
            p(
                "Kalix kommun har ett stort ansvar gentemot kommuninnevånarna, besökare, "
                "näringsliv och anställda.",
                "Planering för en trygg och säker kommun kräver helhetssyn och förståelse för "
                "att arbeta skade- och olycksförebyggande.",
                "Målet är att skapa ett samhälle som i minsta möjliga mån störs av olyckor. "
                "Detta mål är direkt kopplat till ett brett olycksförebyggande arbete i såväl "
                "förvaltningar som i de kommunala bolagen. För att nå målen krävs en "
                "grundläggande riskmedvetenhet och förmåga att förebygga och åtgärda de risker "
                "som finns och som kan uppstå.",
                "I denna säkerhetspolicy anges de övergripande målen för kommunens "
                "säkerhetsarbete och till policyn finns också en säkerhetsstrategi som anger "
                "hur vi ska nå målen.",
            ),
            [],
            "",
        ),
        (
            Section.Kind.GOALS,
            "Mål",
            p("Målen med Kalix kommuns förebyggande säkerhets- och trygghetsarbetet ska vara att:"),
            [
                "Kommunen ska erbjuda invånarna och de som vistas i kommunen en säker och trygg "
                "kommun.",
                "Säkerställa en väl fungerande verksamhet inom kommunen och i dess bolag, vilket "
                "innebär så få störningar och egendomsförluster som möjligt.",
                "Genom ett aktivt och effektivt säkerhetsarbete bidra till bästa möjliga ekonomi "
                "för kommunen och de kommunala bolagen.",
                "Öppenheten i kommunens verksamheter förblir så stor som möjligt utan att "
                "säkerheten eftersätts.",
            ],
            p(
                "Säkerhetspolicyn ska ligga till grund för ett samordnat och aktivt "
                "säkerhetsarbete inom hela den kommunala organisationen."
            ),
        ),
        (
            Section.Kind.RESPONSIBILITIES,
            "Ansvar",
            p(
                "Nämndernas och bolagens ansvar för säkerhetsarbetet ska skrivas in i "
                "reglementen och ägardirektiv."
            ),
            [
                (
                    RoleKind.EXECUTIVE_BOARD,
                    "Kommunstyrelsen är ytterst ansvarig för god säkerhet och för att "
                    "säkerhetspolicyn efterlevs.",
                ),
                (
                    RoleKind.COMMITTEE,
                    "Nämnden är ansvarig för säkerheten i respektive verksamhet och "
                    "bolagsstyrelsen för säkerheten i de kommunala bolagen.",
                ),
                (
                    RoleKind.MANAGEMENT_TEAM,
                    "Förvaltnings- och bolagsledningarna ansvarar för att politiska säkerhetsmål "
                    "och riktlinjer förankras och efterlevs i verksamheten.",
                ),
                (
                    RoleKind.SECURITY_GROUP,
                    "Säkerhetsgruppen är en samarbetsgrupp i de säkerhetsfrågor som berör "
                    "kommunen, men ska även arbeta med förebyggande säkerhetsarbete för alla "
                    "kommuninvånare.",
                ),
                (
                    RoleKind.SECURITY_CHIEF,
                    "Krisberedskaps- och säkerhetssamordnaren arbetar med övergripande "
                    "planering, samordning och uppföljning av arbetet med säkerhet och trygghet.",
                ),
            ],
            "",
        ),
        (
            Section.Kind.APPLICATION,
            "Tillämpning",
            p(
                "Säkerhetsarbetet ska på förvaltnings- och bolagsnivå integreras i den "
                "befintliga organisationen. Alla anställda inom Kalix kommuns verksamheter ska "
                "aktivt arbeta för ökad säkerhet och är skyldiga att påpeka säkerhetsbrister "
                "till närmaste arbetsledare.",
                "Säkerhetspolicyn ska ligga till grund för planering och genomförande av "
                "säkerhetsarbetet. Den ska vidare ingå i nämndernas arbete som en del av "
                "planerings- och budgetprocessen inför ett verksamhetsår. Nämndernas uppdrag "
                "med förebyggande verksamhet i Kalix kommun som finns i handlingsprogram enligt "
                "lag om skydd mot olyckor ska också tas med i planeringsprocessen.",
            ),
            [],
            "",
        ),
        (
            Section.Kind.VALIDITY,
            "Giltighet",
            p(
                "Kommunfullmäktige ska fatta beslut om säkerhetspolicy. Revidering görs vid "
                "behov och fastställs av kommunstyrelsen."
            ),
            [],
            "",
        ),
    ],
    "related": ["Säkerhetsstrategi"],
}

DOCUMENTS = [ALE, KALIX]


def _create(spec: dict, municipality: Municipality) -> Programme:
    programme = Programme.objects.create(
        municipality=municipality, kind=spec["kind"], slug=spec["slug"]
    )
    # Built as a draft, then frozen by adoption: the same path a document takes in the browser.
    version = ProgrammeVersion.objects.create(programme=programme, number=1, **spec["version"])
    roles = {role.kind: role for role in Role.objects.filter(municipality=municipality)}
    for position, (kind, heading, body, items, closing) in enumerate(spec["sections"], 1):
        section = Section.objects.create(
            version=version,
            kind=kind,
            position=position,
            heading=heading,
            body=body,
            closing=closing,
        )
        for item_position, item in enumerate(items, 1):
            role_kind, text = item if isinstance(item, tuple) else (None, item)
            SectionItem.objects.create(
                section=section, position=item_position, text=text, role=roles.get(role_kind)
            )
    for position, title in enumerate(spec["related"], 1):
        RelatedDocument.objects.create(version=version, position=position, title=title)
    body = OrganisationUnit.objects.get(municipality=municipality, name=spec["adopting_body"])
    record = {
        key: spec["version"].get(key)
        for key in ("decision_date", "paragraph", "case_number")
        if spec["version"].get(key) is not None
    }
    version.adopt(by=None, adopting_body=body, **record)
    return programme


@transaction.atomic
def load(municipalities: dict[str, Municipality]) -> None:
    for spec in DOCUMENTS:
        municipality = municipalities[spec["municipality"]]
        if not Programme.objects.filter(municipality=municipality, slug=spec["slug"]).exists():
            _create(spec, municipality)

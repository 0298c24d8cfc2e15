"""A year of plausible risk reports for Ale (2026), some handled to closure, a few in the
risk register. Idempotent: nothing is added when Ale already has risk reports.

Built as rows (with their history) rather than through the handling steps, so that loading
the demo sends no notifications and adds no actions to the demo's follow-up reports."""

import datetime

from django.db import transaction
from django.utils import timezone

from responsibilities.models import Municipality, OrganisationUnit, User
from risks.lookups import application_areas
from risks.models import ReferenceCounter, RiskEntry, RiskEvent, RiskReport, RiskSettings

R = RiskReport.Kind
S = RiskReport.Status
YEAR = 2026
# (month, day, kind, unit, area index, place, what, at once, status, likelihood, consequence,
#  confidential, register title)
REPORTS = [
    (
        1,
        14,
        R.INCIDENT,
        "Sektor utbildning",
        1,
        "Nödingeskolan, kemisalen",
        "Brandlarmet löste ut av rök från en laboration; utrymningen tog över sex minuter.",
        "Lokalen vädrades, räddningstjänsten kontrollerade.",
        S.CLOSED,
        2,
        3,
        False,
        "Långsam utrymning i skolor",
    ),
    (
        1,
        27,
        R.FLAW,
        "Sektor samhällsbyggnad",
        3,
        "Förrådet vid Alafors reningsverk",
        "Dörren till förrådet går inte att låsa; låset är trasigt.",
        "Tillfälligt hänglås monterat.",
        S.CLOSED,
        3,
        2,
        False,
        "",
    ),
    (
        2,
        3,
        R.RISK,
        "Förskoleenheten Nödinge",
        0,
        "Förskolans gård mot parkeringen",
        "Grinden mot parkeringen står ofta öppen vid hämtning.",
        "",
        S.MEASURE_DECIDED,
        3,
        4,
        False,
        "Barn kan ta sig ut mot parkeringen",
    ),
    (
        2,
        19,
        R.FLAW,
        "Sektor kommunstyrelsen",
        4,
        "Kommunhuset, plan 2",
        "Inloggade datorer lämnas olåsta i det öppna kontorslandskapet.",
        "Påminnelse skickad till medarbetarna.",
        S.CLOSED,
        3,
        3,
        False,
        "Olåsta datorer i kontorslandskap",
    ),
    (
        3,
        8,
        R.INCIDENT,
        "Sektor arbetsliv och stöd",
        0,
        "Boendet på Backavägen",
        "Hotfull besökare i entrén; personal kände sig otrygg.",
        "Polisen kontaktades.",
        S.CLOSED,
        2,
        3,
        True,
        "",
    ),
    (
        3,
        22,
        R.RISK,
        "Ale bostadsbolag AB",
        1,
        "Trapphus, Nödinge centrum",
        "Barnvagnar och cyklar blockerar utrymningsvägen i trapphuset.",
        "Lappar satta upp.",
        S.CLOSED,
        3,
        3,
        False,
        "Blockerade utrymningsvägar i flerbostadshus",
    ),
    (
        4,
        9,
        R.FLAW,
        "Sektor utbildning",
        4,
        "Ale gymnasium",
        "Elever har fått tag på lärarnas gemensamma lösenord till schemasystemet.",
        "Lösenordet byttes samma dag.",
        S.CLOSED,
        3,
        3,
        False,
        "",
    ),
    (
        4,
        30,
        R.INCIDENT,
        "Sektor samhällsbyggnad",
        2,
        "Vattentornet i Skepplanda",
        "Strömavbrott i tre timmar; reservkraften startade inte automatiskt.",
        "Manuell start.",
        S.MEASURE_DECIDED,
        2,
        4,
        False,
        "Reservkraft för vattenförsörjningen",
    ),
    (
        5,
        12,
        R.RISK,
        "Sektor kommunstyrelsen",
        3,
        "Serverrummet, kommunhuset",
        "Besökare släpps in i korridoren till serverrummet utan kontroll.",
        "",
        S.NOT_A_RISK,
        None,
        None,
        True,
        "",
    ),
    (
        5,
        27,
        R.FLAW,
        "Ale energibolag AB",
        4,
        "Driftcentralen",
        "Styrsystemet nås från kontorsnätet utan tvåstegsinloggning.",
        "",
        S.ASSESSING,
        3,
        4,
        False,
        "",
    ),
    (
        6,
        10,
        R.INCIDENT,
        "Sektor utbildning",
        0,
        "Skepplanda skola, skolgården",
        "Stenkastning mot fönster kvällstid; två rutor krossade.",
        "Fönstren skivades igen.",
        S.CLOSED,
        3,
        2,
        False,
        "",
    ),
    (
        6,
        24,
        R.RISK,
        "Sektor arbetsliv och stöd",
        2,
        "Hemtjänsten, Älvängen",
        "Ingen plan för hur hemtjänsten når brukare vid ett längre elavbrott.",
        "",
        S.ASSESSING,
        2,
        4,
        False,
        "",
    ),
    (
        8,
        19,
        R.INCIDENT,
        "Förskoleenheten Nödinge",
        1,
        "Förskolans kök",
        "Spisen lämnades på efter stängning; köket blev rökfyllt.",
        "Spisvakt beställd.",
        S.CLOSED,
        2,
        3,
        False,
        "",
    ),
    (
        9,
        2,
        R.FLAW,
        "Sektor samhällsbyggnad",
        1,
        "Bygglovsarkivet",
        "Brandcellsdörren till arkivet står uppkilad.",
        "Kilen togs bort.",
        S.CLOSED,
        3,
        2,
        False,
        "",
    ),
    (
        9,
        16,
        R.RISK,
        "Sektor utbildning",
        2,
        "Alla skolor",
        "Krisledningsplanen har inte uppdaterade telefonnummer.",
        "",
        S.MEASURE_DECIDED,
        3,
        3,
        False,
        "",
    ),
    (
        10,
        6,
        R.INCIDENT,
        "Sektor kommunstyrelsen",
        4,
        "E-post",
        "Nätfiske-mejl i kommunchefens namn; två medarbetare svarade.",
        "Kontona spärrades.",
        S.CLOSED,
        4,
        3,
        False,
        "Nätfiske mot medarbetare",
    ),
    (
        10,
        21,
        R.FLAW,
        "Ale bostadsbolag AB",
        0,
        "Garaget, Surte",
        "Belysningen i garaget är trasig sedan flera veckor.",
        "",
        S.RECEIVED,
        None,
        None,
        False,
        "",
    ),
    (
        11,
        4,
        R.RISK,
        "Sektor arbetsliv och stöd",
        3,
        "Personalens omklädningsrum",
        "Personuppgifter om brukare förvaras i olåst skåp.",
        "",
        S.RECEIVED,
        None,
        None,
        True,
        "",
    ),
    (
        11,
        18,
        R.INCIDENT,
        "Sektor utbildning",
        0,
        "Nödingeskolan, entrén",
        "Okänd vuxen uppehöll sig på skolgården under lektionstid.",
        "Rektor kontaktade polisen.",
        S.RECEIVED,
        None,
        None,
        False,
        "",
    ),
    (
        11,
        25,
        R.FLAW,
        "Sektor samhällsbyggnad",
        2,
        "Räddningsvägen vid Ale torg",
        "Räddningsvägen blockeras av felparkerade bilar på kvällarna.",
        "",
        S.RECEIVED,
        None,
        None,
        False,
        "",
    ),
]


MEASURE = "Åtgärd beslutad av sektorn."
CLOSING = {
    S.CLOSED: "Åtgärden är genomförd och följs upp.",
    S.NOT_A_RISK: "Ingen risk: besökarna var behöriga.",
}


def _at(month, day, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(YEAR, month, day, hour, 0))


@transaction.atomic
def load(municipalities: dict[str, Municipality]) -> None:
    ale = municipalities["ale"]
    RiskSettings.objects.get_or_create(municipality=ale)
    if RiskReport.objects.filter(municipality=ale).exists():
        return
    units = {u.name: u for u in OrganisationUnit.objects.filter(municipality=ale)}
    areas = application_areas(ale)
    people = {u.username: u for u in User.objects.filter(username__startswith="ale-")}
    chief = people["ale-sakerhetschef"]
    reporters = [people["ale-medarbetare"], people["ale-fortroendevald"], people["ale-ombud-utb"]]
    handlers = {
        "Sektor utbildning": people["ale-sektorchef"],
        "Förskoleenheten Nödinge": people["ale-sektorchef"],
        "Sektor samhällsbyggnad": people["ale-sektorchef-2"],
        "Sektor arbetsliv och stöd": people["ale-sektorchef-3"],
        "Sektor kommunstyrelsen": people["ale-sektorchef-4"],
        "Ale bostadsbolag AB": people["ale-bolags-vd"],
    }
    entries: dict[str, RiskEntry] = {}
    for number, row in enumerate(REPORTS, start=1):
        (month, day, kind, unit_name, area, place, what, at_once, status, likelihood,
         consequence, confidential, register) = row  # fmt: skip
        reported = _at(month, day)
        handler = handlers.get(unit_name, chief)
        done = status in RiskReport.CLOSED_STATES
        report = RiskReport.objects.create(
            municipality=ale,
            year=YEAR,
            number=number,
            kind=kind,
            unit=units[unit_name],
            place=place,
            occurred_on=reported.date() - datetime.timedelta(days=1),
            area=areas[area] if area < len(areas) else None,
            description=what,
            immediate_action=at_once,
            confidential=confidential,
            reported_by=reporters[number % len(reporters)],
            reported_at=reported,
            status=status,
            handler=handler,
            acknowledged_at=None if status == S.RECEIVED else reported + datetime.timedelta(1),
            likelihood=likelihood,
            consequence=consequence,
            measure="Åtgärd beslutad av sektorn."
            if status in (S.MEASURE_DECIDED, S.CLOSED)
            else "",
            closing_note="Åtgärden är genomförd och följs upp."
            if status == S.CLOSED
            else ("Ingen risk: besökarna var behöriga." if status == S.NOT_A_RISK else ""),
            closed_at=reported + datetime.timedelta(days=20) if done else None,
        )
        steps = {
            S.ASSESSING: [S.ASSESSING],
            S.MEASURE_DECIDED: [S.ASSESSING, S.MEASURE_DECIDED],
            S.CLOSED: [S.ASSESSING, S.MEASURE_DECIDED, S.CLOSED],
            S.NOT_A_RISK: [S.NOT_A_RISK],
        }.get(status, [])
        previous = S.RECEIVED
        for index, step in enumerate(steps, start=1):
            RiskEvent.objects.create(
                report=report,
                kind=RiskEvent.Kind.STEP,
                from_status=previous,
                to_status=step,
                by=handler,
                at=reported + datetime.timedelta(days=index * 5),
            )
            previous = step
        if register:
            entry = entries.get(register) or RiskEntry.objects.create(
                municipality=ale,
                unit=units[unit_name],
                area=report.area,
                title=register,
                likelihood=likelihood,
                consequence=consequence,
                confidential=confidential,
                owner=handler,
                review_on=datetime.date(YEAR + 1, month, min(day, 28)),
                created_at=reported + datetime.timedelta(days=6),
                created_by=handler,
            )
            entries[register] = entry
            RiskReport.objects.filter(pk=report.pk).update(entry=entry)
    ReferenceCounter.objects.update_or_create(
        municipality=ale, year=YEAR, defaults={"last": len(REPORTS)}
    )

"""The risk picture in the follow-up: a unit's yearly report (page and PDF), the dashboard
and the consolidated PDF, through followup's inset registry."""

from followup.insets import Inset, register
from risks import picture


def unit_inset(report):
    return Inset(
        template="risks/_inset_report.html",
        pdf_template="risks/_inset_report_pdf.html",
        data=picture.unit_picture(report.unit, report.cycle.year),
        order=40,
    )


def cycle_inset(cycle, committee=None):
    return Inset(
        template="risks/_inset_cycle.html",
        pdf_template="risks/_inset_cycle_pdf.html",
        data=picture.area_years(cycle.version.programme.municipality_id, cycle.year, committee),
        order=40,
    )


register("report", unit_inset)
register("cycle", cycle_inset)

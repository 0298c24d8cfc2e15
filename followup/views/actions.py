"""The action register: every action the person follows, across units and years, its export,
and status updates between cycles."""

import html
import unicodedata

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Window
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from followup.forms import ActionFilterForm, ActionStatusForm
from followup.models import Action, InvalidTransition
from followup.models.reports import register_lists
from followup.spreadsheets import csv_response, xlsx_response
from followup.views.common import municipality_for
from responsibilities.access import access_for
from responsibilities.audit import AuditEvent, record
from responsibilities.capabilities import Capability
from responsibilities.links import page_url
from responsibilities.models import Role, User
from responsibilities.statements import Statement, StatementPerShape

PER_PAGE = 50
FILTERS = ("unit", "area", "status", "owner", "due", "year")


def may_keep_register(request, municipality) -> bool:
    """The security chief (reviewer of the whole municipality) and the chiefs of units."""
    access = access_for(request)
    return access.in_municipality(Capability.REVIEW_FOLLOWUP, municipality) or access.within(
        Capability.SUBMIT_FOLLOWUP, municipality
    )


def registered(municipality_id, *lists):
    """The actions of a person's register in one municipality (`lists`: register_lists())."""
    return Action.objects.in_register(*lists).filter(report__unit__municipality=municipality_id)


def register_for(request, slug):
    """The municipality and the person's register in it as the arguments of `registered()`
    (and of the register's statements), or 404."""
    municipality = municipality_for(request, slug)
    if not may_keep_register(request, municipality):
        raise Http404
    return municipality, (municipality.pk, *register_lists(access_for(request)))


def action_for(request, slug, pk) -> tuple:
    """The municipality and an action in the person's register, or 404."""
    municipality, register = register_for(request, slug)
    return municipality, get_object_or_404(registered(*register).with_register_columns(), pk=pk)


def filter_query(data) -> str:
    """The register's filters from a query, re-encoded (nothing else is carried along)."""
    query = QueryDict(mutable=True)
    for name in FILTERS:
        if data.get(name):
            query[name] = data[name]
    return query.urlencode()


def filter_form(request, register) -> ActionFilterForm:
    return ActionFilterForm(
        request.GET or None,
        choice_rows=CHOICE_ROWS.fetch(*register),
        years=YEARS.fetch(register[0]),
    )


def filtered(form, register):
    """The register's actions narrowed by the form's filters, in the register's order."""
    actions = registered(*register)
    if form.is_bound:
        actions = form.filter(actions, timezone.localdate())
    return in_order(actions)


def in_order(actions):
    return actions.order_by(
        F("due_on").asc(nulls_last=True), "report__unit__path", "-report__cycle__year", "pk"
    )


# What a register row shows besides its own fields, as values() columns: a page of rows
# without a model instance per row and relation.
ROW_COLUMNS = {
    "unit": F("report__unit__name"),
    "year": F("report__cycle__year"),
    "area_text": F("area__text"),
    "role_name": F("responsible_role__name"),
    "role_name_en": F("responsible_role__name_en"),
    "owner_first_name": F("owner__first_name"),
    "owner_last_name": F("owner__last_name"),
    "owner_username": F("owner__username"),
}
ROW_FIELDS = (
    "pk",
    "what",
    "report_id",
    "responsible_role_id",
    "owner_id",
    "due_on",
    "status",
    "status_note",
    "is_carried_on",
)


def shortened(text: str, length: int = 60) -> str:
    """truncatechars: its Truncator returns a text within the length as it is (normalised),
    so only a longer one pays for its work."""
    normalised = unicodedata.normalize("NFC", text)
    return normalised if len(normalised) <= length else truncatechars(text, length)


ROW = (
    '<tr><th scope="row" class="pre-line">{}</th><td><a href="{}">{}</a></td><td>{}</td>'
    '<td>{}</td><td>{}{}</td><td class="nowrap">{}{}</td><td>{}{}</td><td>{}</td></tr>'
)
CHANGE = '<a href="{}">{}<span class="visually-hidden">: {}</span></a>'


def register_rows(rows, slug, today, query) -> list[dict]:
    """The page's values() rows with each cell's text and the row as HTML (`html`): labels
    and names worked out and escaped once per distinct value, the links from one reversed
    address each, the fixed words translated once. The rows' values are plain text, escaped
    by the standard library's escape (Django's wraps it, with a check for lazy text per call)."""
    statuses = {value: str(label) for value, label in Action.Status.choices}
    past_due = format_html(' <strong class="tag tag-overdue">{}</strong>', _("Past due"))
    carried_on = escape(_("carried over to a later report"))
    change_status = escape(_("Change status"))
    roles, owners, escaped = {}, {}, {}
    back = f"?{query}" if query else ""

    def cell(text):
        # Units, years, areas, names, states and dates repeat down the page.
        if text not in escaped:
            escaped[text] = html.escape(str(text))
        return escaped[text]

    for row in rows:
        if (role := row["responsible_role_id"]) is not None and role not in roles:
            roles[role] = Role(name=row["role_name"], name_en=row["role_name_en"]).display_name
        if (owner := row["owner_id"]) is not None and owner not in owners:
            owners[owner] = str(
                User(
                    first_name=row["owner_first_name"],
                    last_name=row["owner_last_name"],
                    username=row["owner_username"],
                )
            )
        due = row["due_on"]
        row["role"] = roles.get(role) or "–"
        row["owner"] = owners.get(owner, "")
        row["area"] = row["area_text"] or "–"
        row["due"] = due.isoformat() if due else "–"  # the date filter's "Y-m-d"
        row["overdue"] = Action.overdue_on(due, row["status"], today)
        row["status_label"] = statuses[row["status"]]
        row["short_what"] = shortened(row["what"])
        row["report_url"] = page_url(slug, row["report_id"], "followup:report")
        row["status_url"] = page_url(slug, row["pk"], "followup:action_status") + back
        what = html.escape(row["what"])
        if row["is_carried_on"]:
            change = carried_on
        else:
            # Most texts are within the length: their short form is the text, escaped already.
            short = row["short_what"]
            change = CHANGE.format(
                html.escape(row["status_url"]),
                change_status,
                what if short == row["what"] else html.escape(short),
            )
        # format_html's work, without its second pass over the texts escaped once per page
        # (and without mark_safe()'s check for lazy text).
        row["html"] = SafeString(
            ROW.format(
                what,
                cell(row["report_url"]),
                cell(row["unit"]),
                cell(row["year"]),
                cell(row["area"]),
                cell(row["role"]),
                f"<br>{cell(row['owner'])}" if row["owner"] else "",
                cell(row["due"]),
                past_due if row["overdue"] else "",
                cell(row["status_label"]),
                f'<br><span class="help">{html.escape(row["status_note"])}</span>'
                if row["status_note"]
                else "",
                change,
            )
        )
    return rows


def with_total(rows):
    """Each row with the count of the whole list (COUNT(*) OVER ())."""
    return rows.annotate(total=Window(Count("pk")))


def page_of(rows, number, first=None) -> Page:
    """Paginator.get_page() in one query: the page's rows carry the count of the whole list
    (`with_total()`). Only a number past the end (an old link) costs the paginator's own
    count and page besides. `rows` makes the queryset of every row, called only when needed;
    `first`, where given, gives the first page's rows instead (with_total()'s)."""
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1  # as get_page(): not a number, the first page
    if wanted == 1 and first is not None:
        found = first()
        paginator = Paginator(found, PER_PAGE)
        paginator.count = found[0]["total"] if found else 0
        return Page(found, wanted, paginator)
    rows = rows()
    paginator = Paginator(rows, PER_PAGE)
    if wanted >= 1:
        start = (wanted - 1) * PER_PAGE
        found = list(with_total(rows)[start : start + PER_PAGE])
        if found or wanted == 1:
            paginator.count = found[0]["total"] if found else 0
            return Page(found, wanted, paginator)
    return paginator.get_page(number)


def page_rows(actions):
    """The register's rows as values() (ROW_FIELDS and ROW_COLUMNS)."""
    return actions.with_carried_on().values(*ROW_FIELDS, **ROW_COLUMNS)


# The register's queries compiled once per shape of the lists (StatementPerShape): what
# every visit reads, and the unfiltered first page. Other pages and filters go through the
# ORM.
CHOICE_ROWS = StatementPerShape(
    lambda *register: ActionFilterForm.choice_rows(registered(*register)), plain=1
)
FIRST_PAGE = StatementPerShape(
    lambda *register: with_total(page_rows(in_order(registered(*register))))[:PER_PAGE], plain=1
)
YEARS = Statement(ActionFilterForm.years_of, (-7_300_435_001,), (-7_300_435_003,))


@login_required
@require_safe
def action_register(request, municipality):
    municipality, register = register_for(request, municipality)
    form = filter_form(request, register)
    query = filter_query(request.GET)
    page = page_of(
        lambda: page_rows(filtered(form, register)),
        request.GET.get("sida"),
        first=None if query else (lambda: FIRST_PAGE.fetch(*register)),
    )
    rows = register_rows(list(page.object_list), municipality.slug, timezone.localdate(), query)
    page.object_list = rows
    return render(
        request,
        "followup/action_register.html",
        {
            "municipality": municipality,
            "form": form,
            "filters": form.written(),
            "page": page,
            "rows": mark_safe("\n".join(row["html"] for row in rows)),  # noqa: S308 - escaped
            "query": query,
        },
    )


def export_rows(actions, today):
    header = [
        _("Unit"),
        _("Year"),
        _("Action"),
        _("Application area"),
        _("Responsible role"),
        _("Owner"),
        _("Start"),
        _("Due"),
        _("Overdue"),
        _("Status"),
        _("Note on the status"),
    ]
    rows = [
        [
            action.report.unit.name,
            action.report.cycle.year,
            action.what,
            action.area.text if action.area else "",
            action.responsible_role.display_name if action.responsible_role else "",
            str(action.owner) if action.owner else "",
            action.starts_on,
            action.due_on,
            _("Yes") if action.is_overdue(today) else _("No"),
            action.get_status_display(),
            action.status_note,
        ]
        for action in actions
    ]
    return header, rows


@login_required
@require_safe
def action_export(request, municipality, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    municipality, register = register_for(request, municipality)
    listed = filtered(filter_form(request, register), register).with_register_columns()
    header, rows = export_rows(listed, timezone.localdate())
    record(
        AuditEvent.Action.EXPORTED,
        request=request,
        municipality=municipality,
        target=_("Action register"),
        format=fmt,
        rows=len(rows),
    )
    name = f"atgarder-{municipality.slug}-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        return csv_response(name, header, rows)
    return xlsx_response(name, [(_("Actions"), header, rows)])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_status(request, municipality, pk):
    """Change an action's status (with a short note) between cycles, without the yearly form:
    for the chief of its unit and the security chief."""
    place, action = action_for(request, municipality, pk)
    back = reverse("followup:actions", kwargs={"municipality": place.slug})
    # The register's filters travel along, to lead back to the same list.
    if request.method == "POST":
        query = filter_query(QueryDict(request.POST.get("filters", "")))
    else:
        query = filter_query(request.GET)
    if query:
        back += f"?{query}"
    action.overdue_today = action.is_overdue(timezone.localdate())
    form = ActionStatusForm(request.POST or None, initial={"status": action.status})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                action.update_status(
                    by=request.user,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                )
            except InvalidTransition as error:
                messages.error(request, " ".join(error.messages))
                return redirect(back)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("The status of “%(action)s” is now “%(status)s”.")
                    % {"action": action, "status": action.get_status_display()},
                )
                return redirect(back)
        status = 400
    return render(
        request,
        "followup/action_status.html",
        {
            "municipality": place,
            "action": action,
            "form": form,
            "query": query,
            "back": back,
        },
        status=status,
    )

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from programmes.matrix import responsibility_matrix
from responsibilities.access import access_for, municipality_for
from responsibilities.capabilities import Capability


@login_required
@require_safe
def matrix(request, municipality):
    """Readable by everyone holding a role in the municipality (read_internal, which every role
    kind grants, for the whole municipality or a unit of it). Which posts nobody holds is for
    those who manage staffing (administer_people) only."""
    municipality = municipality_for(request, municipality, Capability.READ_INTERNAL, or_a_unit=True)
    access = access_for(request)
    documents, gaps = responsibility_matrix(municipality)
    may_manage = access.in_municipality(Capability.ADMINISTER_PEOPLE, municipality)
    return render(
        request,
        "programmes/matrix.html",
        {
            "municipality": municipality,
            "documents": documents,
            "gaps": gaps if may_manage else [],
            "may_manage": may_manage,
            "section": "matrix",
        },
    )

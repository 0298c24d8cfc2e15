from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from programmes.matrix import responsibility_matrix
from responsibilities.access import access_for, municipality_for
from responsibilities.capabilities import Capability


@login_required
def matrix(request, municipality):
    """Readable by everyone holding a role in the municipality (read_internal, which every role
    kind grants, for the whole municipality or a unit of it)."""
    municipality = municipality_for(request, municipality)
    access = access_for(request)
    if not access.within(Capability.READ_INTERNAL, municipality):
        raise Http404
    documents, gaps = responsibility_matrix(municipality)
    return render(
        request,
        "programmes/matrix.html",
        {
            "municipality": municipality,
            "documents": documents,
            "gaps": gaps,
            "may_manage": access.in_municipality(Capability.ADMINISTER_PEOPLE, municipality),
            "section": "matrix",
        },
    )

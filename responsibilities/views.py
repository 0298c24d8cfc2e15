from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from responsibilities.models import Assignment


@login_required
def start(request):
    assignments = (
        Assignment.objects.active()
        .filter(person=request.user)
        .select_related("role__municipality", "unit")
        .order_by("role__municipality__name", "role__name")
    )
    return render(request, "responsibilities/start.html", {"assignments": assignments})

from responsibilities.access import access_for


def access(request):
    """`access` in templates: what the current person may do (loaded on first use)."""
    return {"access": access_for(request)}

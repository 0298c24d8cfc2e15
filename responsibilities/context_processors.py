from responsibilities.access import access_for
from responsibilities.notifications import unread_count


def access(request):
    """`access` (what the person may do) and `unread_notifications` (the bell), both lazy,
    and the current section for the navigation."""

    def unread():
        # Templates resolve a callable on every use; count once per request.
        if not request.user.is_authenticated:
            return 0
        if not hasattr(request, "_unread_notifications"):
            request._unread_notifications = unread_count(request.user)
        return request._unread_notifications

    # The navigation marks the current section: the first path segment (and the municipality).
    segments = request.path.strip("/").split("/")
    return {
        "access": access_for(request),
        "unread_notifications": unread,
        "nav_section": segments[0],
        "nav_municipality": segments[1] if len(segments) > 1 else "",
    }

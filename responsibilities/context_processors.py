from responsibilities.access import access_for
from responsibilities.notifications import Notification


def access(request):
    """`access` (what the person may do) and `unread_notifications` (the bell), both lazy."""

    def unread():
        if not request.user.is_authenticated:
            return 0
        return Notification.objects.filter(recipient=request.user, read_at=None).count()

    return {"access": access_for(request), "unread_notifications": unread}

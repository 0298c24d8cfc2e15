"""The security chief's comments on single questions of a returned report, and the unit's
replies. Written by Report.return_ (the comments, with the step) and Report.save_draft (the
replies, until the report is submitted again); the database keeps a sent comment as it was
and a reply as submitted (migration 0012)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followup.models.cycles import Question
from followup.models.reports import Report


class ReviewComment(models.Model):
    """A reviewer's comment on one question of a report, sent with a return, and the reply."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="review_comments", verbose_name=_("report")
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        related_name="review_comments",
        verbose_name=_("question"),
    )
    # The report's n-th return: replies are taken to the latest round's comments only.
    round = models.PositiveSmallIntegerField(_("review round"))
    body = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
    )

    class Meta:
        ordering = ["report", "round", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "question", "round"],
                name="review_comment_once_per_question_and_round",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="review_comment_not_empty"),
            models.CheckConstraint(
                condition=Q(reply="") | Q(replied_at__isnull=False),
                name="review_reply_with_its_time",
            ),
        ]

    def __str__(self):
        return self.body[:80]

"""Figures of a cycle for dashboards, exports and (later) the consolidated annual report.
Each function is one query, whatever the number of units."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count

from followup.models import Answer, Attainment, Cycle, Question, Report


@dataclass
class MatrixRow:
    """One application area (or the general questions): answers per attainment level."""

    label: str
    area_id: int | None
    counts: dict[str, int] = field(default_factory=dict)
    previous: dict[str, int] | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self):
        """[(level, label, count, last year's count or None)] in scale order."""
        return [
            (
                level,
                label,
                self.counts.get(level, 0),
                None if self.previous is None else self.previous.get(level, 0),
            )
            for level, label in Attainment.choices
        ]


def status_counts(reports) -> Counter:
    return Counter(dict(reports.values_list("status").annotate(n=Count("pk")).order_by()))


def _attainment_counts(cycle: Cycle, reports) -> dict[int | None, Counter]:
    rows = (
        Answer.objects.filter(
            report__in=reports.filter(cycle=cycle).exclude(status=Report.Status.DRAFT),
            question__answer_type=Question.AnswerType.SCALE,
        )
        .exclude(attainment="")
        .values_list("question__area_id", "question__area__text", "attainment")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict = {}
    for area_id, text, level, n in rows:
        counts.setdefault((area_id, text), Counter())[level] += n
    return counts


def attainment_matrix(cycle: Cycle, reports, previous: Cycle | None = None) -> list[MatrixRow]:
    """Application areas × attainment over the given reports (drafts never count), in the
    programme's order, general questions last; last year's figures matched by area text."""
    areas = list(cycle.application_areas().values_list("pk", "text"))
    now = _attainment_counts(cycle, reports)
    before = _attainment_counts(previous, reports) if previous else {}
    before_by_text = {text: counter for (_pk, text), counter in before.items()}
    rows = []
    for area_id, text in [*areas, (None, None)]:
        counts = now.get((area_id, text), Counter())
        prior = before_by_text.get(text, Counter()) if previous else None
        if area_id is None and not counts and not prior:
            continue
        rows.append(MatrixRow(label=text or "", area_id=area_id, counts=counts, previous=prior))
    return rows

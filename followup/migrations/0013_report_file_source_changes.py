"""A report PDF counts the steps of the reports it depends on (followup.models.files.
depending_on: also earlier years' reports, through the consolidated trend) and the count it was
made at: a file made before such a step is stale, even one being made while the step happens.
Existing files start level (0, 0): their staleness by date is unchanged."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('followup', '0012_review_comments_and_answered_questions'),
    ]

    operations = [
        migrations.AddField(
            model_name='reportfile',
            name='rendered_changes',
            field=models.PositiveIntegerField(default=0, verbose_name='made at change'),
        ),
        migrations.AddField(
            model_name='reportfile',
            name='source_changes',
            field=models.PositiveIntegerField(default=0, verbose_name='changes of its reports'),
        ),
    ]

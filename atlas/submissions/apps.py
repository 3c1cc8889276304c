from django.apps import AppConfig


def _stories_changed(**_kwargs):
    from atlas.derived import stamps
    stamps.bump(stamps.STORIES)


class SubmissionsConfig(AppConfig):
    name = "atlas.submissions"
    label = "submissions"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from atlas.submissions import mail  # noqa: F401 - registers the e-mail backend check
        from atlas.submissions.models import StoryExcerpt
        # Published excerpts are edited in the admin as well as published by the service: every
        # way they change moves the stories stamp, so the stories page is never served stale.
        for signal in (post_save, post_delete):
            signal.connect(_stories_changed, sender=StoryExcerpt,
                           dispatch_uid=f"atlas-stories-stamp-{signal is post_save}")

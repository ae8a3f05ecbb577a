from django.apps import AppConfig


def _after_remits_posted(summary) -> None:
    """A posted file recovered denials: close the appeals those payments answered."""
    if not summary.recovered:
        return
    from .tasks import appeals_sync_from_recoveries_task

    appeals_sync_from_recoveries_task.delay()


class AppealsConfig(AppConfig):
    name = "appeals"

    def ready(self) -> None:
        from denials import hooks

        hooks.on_remits_posted(_after_remits_posted)

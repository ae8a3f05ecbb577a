from django.apps import AppConfig


def _after_remits_posted(summary) -> None:
    """Refresh the monthly rollups of the practices and months a file touched."""
    from .tasks import rollups_refresh_task

    rollups_refresh_task.delay(list(summary.practice_ids), list(summary.months))


class PreventionConfig(AppConfig):
    name = "prevention"
    verbose_name = "Prevention and trends"

    def ready(self) -> None:
        from denials import hooks

        hooks.on_remits_posted(_after_remits_posted)

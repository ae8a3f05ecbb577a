class ApplicationError(Exception):
    """A refused action with a message fit to show the user, and optional field errors."""

    def __init__(self, message: str, *, field: str | None = None, extra=None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}

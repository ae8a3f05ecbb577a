class ApplicationError(Exception):
    """A refused action, with a message fit to show the user and the field at fault."""

    def __init__(self, message: str, *, field: str | None = None, extra=None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}

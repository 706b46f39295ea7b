"""Why a page could not be ingested: one clear line for the user, recorded in the store."""


class IngestError(Exception):
    """A page that cannot be turned into a Document. ``str(err)`` is the one-line message."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self):  # pickled back from a worker process
        return IngestError, (self.source, self.reason)

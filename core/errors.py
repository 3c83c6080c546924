"""The project's own exceptions: every message names the problem in words a marketer can act on."""


class DataError(ValueError):
    """Input data that cannot be used, with a message that says why (shown as-is in the app and CLI)."""


class ArtifactError(RuntimeError):
    """Saved artifacts that are missing, incomplete, tampered with or written by other library versions."""

"""Exceptions raised by loaders; their messages are shown to users as they are (Vietnamese)."""


class LoaderError(Exception):
    """An input could not be read; the message names the input, what was expected and found."""


class ReferenceDataError(LoaderError):
    """A reference package is missing or does not hold what the build expects."""

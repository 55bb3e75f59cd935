"""Our own exceptions. Messages are Vietnamese and say what was wrong and how to fix it;
the CLI and the dashboard show them as they are, never a traceback."""


class AnttError(Exception):
    """Base of every error a user can cause or fix."""


class StoreError(AnttError):
    """The store is missing, unreadable, not a GeoPackage, or lacks a required table."""


class ViewError(AnttError):
    """A view asks for something the data cannot show (unknown metric, code, period...)."""


class BuildError(AnttError):
    """The reference or demo build could not produce a complete, valid store."""

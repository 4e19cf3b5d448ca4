"""The errors site-manager raises on bad input.

Every message names the file, record or argument, what was found, and what to do. Front ends
show ``str(error)`` as one line; anything that is not a :class:`SiteManagerError` is a bug.
"""

from __future__ import annotations


class SiteManagerError(Exception):
    """Base class of every error that a user can act on."""


class IfcImportError(SiteManagerError, ValueError):
    """An IFC file cannot be read: missing, malformed, unsupported, or crashed the parser."""


class ValidationError(SiteManagerError, ValueError):
    """Input data (a CSV row, a JSON field, an argument) breaks a documented contract."""


class RegisterError(SiteManagerError):
    """The site register refused a change (an overlapping lease, an unknown space, ...)."""


class NotFoundError(SiteManagerError, LookupError):
    """A named site, unit, tenant, lease or file does not exist."""

"""The public face's "Après : être accompagné·e" section: the template
global `support_services()` that `public/_support.html` calls, so that any
public page may include the section without its view passing the list."""

from __future__ import annotations

from flask import Blueprint

from angela.core.support import PublicService
from angela.services import support

# Registers no route: only the template global below, for the whole app.
bp = Blueprint("support_section", __name__)


@bp.app_template_global("support_services")
def support_services() -> tuple[PublicService, ...]:
    """Return the complete support services, in display order (public fields only)."""
    return support.public_services()

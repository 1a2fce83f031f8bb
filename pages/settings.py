"""Inställningar (admin): the municipality's e-mail domains, whom a person
without access should contact, the base address of links, the upload limit
and how long the audit log is kept; links to the targets and the limit."""

from data_access.access.roles import Permission
from ui.admin_settings import settings_page
from ui.page import page_start
from ui.widgets import show_flash

start = page_start(
    "Inställningar",
    "Inställningar som gäller hela appen. Varje ändring skrivs i granskningsloggen.",
    permission=Permission.MANAGE_SETTINGS,
    empty=None,
)
show_flash()
settings_page(start.state, start.viewer)

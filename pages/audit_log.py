"""Granskningslogg (admin): who did what, when, in ids and counts."""

from data_access.access.roles import Permission
from ui.audit_view import audit_page
from ui.page import page_start
from ui.widgets import show_flash

start = page_start(
    "Granskningslogg",
    "Vem som gjorde vad och när: inloggningar, ändringar, importer och nedladdningar med "
    "personuppgifter. Loggen visar id:n och antal, aldrig själva personuppgifterna.",
    permission=Permission.VIEW_AUDIT,
    empty=None,
)
show_flash()
audit_page(start.state, start.viewer)

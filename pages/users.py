"""Användare (admin): who may sign in, with which roles and units."""

from data_access.access.roles import Permission
from ui.admin_users import users_page
from ui.page import page_start
from ui.widgets import show_flash

start = page_start(
    "Användare",
    "Vilka som får logga in, med vilka roller och för vilka enheter.",
    permission=Permission.MANAGE_USERS,
    empty=None,
)
show_flash()
users_page(start.state, start.viewer)

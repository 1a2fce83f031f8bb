"""Avtalstrohet (management): how high, where low, whether improving, and
where the off-contract money goes, down to the invoice lines."""

from data_access.access.roles import Permission
from ui import cached
from ui.dashboard_filters import dashboard_filters, describe_view
from ui.dashboard_sections import Dashboard
from ui.page import page_start

start = page_start(
    "Avtalstrohet",
    empty="Inga fakturarader finns ännu. Importera leverantörsfakturor under Importera data.",
    permission=Permission.VIEW_FIGURES,
)
state = start.state
view = dashboard_filters(state, start.in_data)
period = view.period(start.last)
dashboard = Dashboard(
    state,
    start.in_data,
    view,
    spend_filter=view.spend_filter(start.last),
    notes=describe_view(state, view, period),
    target=cached.load_targets(state).for_departments(view.department_ids),
)
dashboard.headline()
dashboard.trend()
dashboard.tabs()

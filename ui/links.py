"""Links into the app: the address people are sent (the needs form, a
receipt) and the links between pages in tables.

Every page's route comes from the page list in ``ui.navigation``, so a page
that moves takes its links with it. The base address is the admin's
setting (Inställningar), else ``AVTALSFOKUS_BASE_URL``, else the one the app
is reached at: the browser's own address
(``st.context.url``), else the request headers a proxy passes on
(``X-Forwarded-Host`` and friends, else ``Host``). The rules for the base
address are plain functions in ``data_access.core.config``, which knows no
page.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data_access.access import app_settings
from data_access.core import config
from data_access.core.db import engine_for, session_scope
from ui import cached
from ui.cached import DataState
from ui.navigation import PAGES
from ui.text import md

UNIT_PAGE = next(spec.url_path for spec in PAGES if spec.path == "pages/unit.py")
FIDELITY_PAGE = next(spec.url_path for spec in PAGES if spec.path == "pages/fidelity.py")
CONTRACT_PAGE = next(spec.url_path for spec in PAGES if spec.path == "pages/contract.py")
NEEDS_PAGE = next(spec.url_path for spec in PAGES if spec.path == "pages/needs.py")
LOCAL_LINK_WARNING = (
    "Länken går till {base}, som bara fungerar på den här datorn. Öppna appen på den adress som "
    "enheterna når den på, eller be administratören ange basadressen under Inställningar."
)


def detected_base_url() -> str | None:
    """The base address this session reached the app at, or None when
    neither the browser nor the headers tell (AppTest, a bare run)."""
    from_browser = config.base_from_page_url(st.context.url, [spec.url_path for spec in PAGES])
    return from_browser or config.base_from_headers(st.context.headers)


def public_base_url() -> str:
    """The base address for links people are sent: the admin's setting, else
    ``AVTALSFOKUS_BASE_URL``, else the address the app is reached at, else
    the local default."""
    return config.public_base_url(detected_base_url(), admin_setting=admin_base_url())


def admin_base_url() -> str | None:
    """The base address the admin set (Inställningar), or None. Cached on the
    data version, which a settings change replaces. Outside a page run (a unit
    test, a script) there is no run database to ask."""
    if get_script_run_ctx() is None:
        return None
    return _stored_base_url(cached.data_state())


@st.cache_data(show_spinner=False)
def _stored_base_url(state: DataState) -> str | None:
    with session_scope(engine_for(state.url)) as session:
        return app_settings.base_url(session)


def warn_if_local(base_url: str) -> None:
    """Tell the procurer when a link to send would point at this computer."""
    if config.is_local_address(base_url):
        # The address may come from the request's headers: shown as text, never as a link.
        st.warning(LOCAL_LINK_WARNING.format(base=md(base_url)), icon=":material/link_off:")


def needs_form_link(
    contract_reference: str, unit_code: str | None = None, *, base_url: str | None = None
) -> str:
    """The link that opens the needs form with the contract (and unit) filled
    in, to be sent to units: absolute, on ``base_url`` (``public_base_url()``
    when None)."""
    query = {"contract": contract_reference} | ({"unit": unit_code} if unit_code else {})
    return f"{base_url or public_base_url()}/{NEEDS_PAGE}?{urlencode(query)}"


def receipt_link(token: str, *, base_url: str | None = None) -> str:
    """The link to a submitted need's receipt (status and answer), absolute
    like ``needs_form_link``."""
    return f"{base_url or public_base_url()}/{NEEDS_PAGE}?{urlencode({'kvitto': token})}"


def page_link(url_path: str, **params: str | int) -> str:
    """A page of the app with query parameters, relative to the current
    page's address, so it works under any host and path prefix. Every value
    is URL-encoded: a contract reference like ``ÖK 2024/1 & B#2?`` arrives
    whole, and cannot add a parameter of its own."""
    return f"{url_path}?{urlencode(params)}" if params else url_path


def unit_page_link(unit_code: str) -> str:
    """The unit page for one unit: ``enhet?unit=1001``."""
    return page_link(UNIT_PAGE, unit=unit_code)


def contract_page_link(reference: str) -> str:
    """The contract page for one contract: ``avtal?contract=LIV-1``."""
    return page_link(CONTRACT_PAGE, contract=reference)


def fidelity_page_link(**params: str | int) -> str:
    """The Avtalstrohet page with filters (``forv``, ``kat``...)."""
    return page_link(FIDELITY_PAGE, **params)

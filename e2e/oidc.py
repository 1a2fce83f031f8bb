"""A real OpenID Connect provider on loopback, for the sign-in journeys.

``oidc-provider-mock`` (PyPI, a dev requirement) is a small but real provider:
discovery document, authorization endpoint with a sign-in form, token
endpoint, signed ID tokens (RS256, with ``exp``), userinfo and an end-session
page. It runs here as its own process (``python -m oidc_provider_mock``), so
the test process keeps no server thread and the app talks to it over HTTP as
it would to Entra ID.

How a test drives it:

* **Claims per user**: ``PUT /users/<sub>`` with a JSON object of claims
  (:meth:`Provider.register`) before the browser signs in. The provider's
  sign-in form then takes that ``sub`` typed into its one text field
  ("Authorize"); a ``sub`` never registered signs in with ``{"email": sub}``.
* **Any client**: without ``--require-registration`` every ``client_id`` and
  secret is accepted, so the generated ``secrets.toml`` needs no set-up call.
* **Sign-out**: Streamlit sends the browser to the provider's
  ``end_session_endpoint``; the mock shows an "End session" button that
  returns to the app's ``/oauth2callback``, which goes on to the app's start.

Streamlit learns of the provider from a ``secrets.toml`` written to a temp
folder and named by ``STREAMLIT_SECRETS_FILES`` (the ``secrets.files`` option,
which Streamlit 1.67 reads from the environment), so the repository's own
``.streamlit/`` is never touched.

Its pages load a stylesheet from a CDN: :func:`keep_on_loopback` answers
every request that is not to 127.0.0.1 in the browser itself, so a test sends
nothing off the machine.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from playwright.sync_api import Page, Route

from e2e.helpers import free_port_in

# The journeys' own loopback ports: the provider and the app each take the
# first free one.
LOOPBACK_PORTS = range(8620, 8640)
PROVIDER_START_TIMEOUT = 30.0
CLIENT_ID = "avtalsfokus-e2e"


def loopback_port(taken: Iterable[int] = ()) -> int:
    """The first port of :data:`LOOPBACK_PORTS` nothing listens on (and not in ``taken``)."""
    port = free_port_in(LOOPBACK_PORTS, taken)
    if port is not None:
        return port
    pytest.fail(f"No free port in {LOOPBACK_PORTS.start}-{LOOPBACK_PORTS.stop - 1} on 127.0.0.1")


@dataclass(frozen=True)
class Provider:
    """The running mock provider."""

    url: str  # http://127.0.0.1:PORT, also its issuer

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    @property
    def authorize_url(self) -> str:
        return f"{self.url}/oauth2/authorize"

    @property
    def end_session_url(self) -> str:
        return f"{self.url}/oauth2/end_session"

    def register(self, sub: str, **claims: object) -> None:
        """Give the user ``sub`` these claims (``email``, ``name``, ``roles`` ...):
        what the ID token and userinfo will say once they sign in as ``sub``."""
        request = urllib.request.Request(
            f"{self.url}/users/{quote(sub, safe='')}",
            data=json.dumps(claims).encode(),
            headers={"Content-Type": "application/json"},
            method="PUT",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204, response.status


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def mock_provider(folder: Path, port: int, token_seconds: int | None = None) -> Iterator[Provider]:
    """``python -m oidc_provider_mock`` on ``127.0.0.1:port`` until the block ends;
    its ID tokens expire after ``token_seconds`` (default: an hour). Nonces are
    required, as a real provider would check them."""
    provider = Provider(f"http://127.0.0.1:{port}")
    log_path = folder / f"oidc-provider-{port}.log"
    command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--require-nonce", "true"]
    if token_seconds is not None:
        command += ["--token-max-age", str(token_seconds)]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + PROVIDER_START_TIMEOUT
        while not _answers(provider.metadata_url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The OIDC provider did not come up. Log {log_path}:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def secrets_file(folder: Path, provider: Provider, app_url: str) -> Path:
    """A ``secrets.toml`` with the ``[auth]`` section that points Streamlit at
    ``provider``, for the app served at ``app_url``; its path."""
    path = folder / "secrets.toml"
    auth = {
        "redirect_uri": f"{app_url}/oauth2callback",
        "cookie_secret": secrets.token_hex(32),
        "client_id": CLIENT_ID,
        "client_secret": secrets.token_hex(16),
        "server_metadata_url": provider.metadata_url,
    }
    lines = ["[auth]", *(f"{key} = {json.dumps(value)}" for key, value in auth.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def secrets_env(path: Path) -> dict[str, str]:
    """The environment that makes ``streamlit run`` read ``path`` as its secrets."""
    return {"STREAMLIT_SECRETS_FILES": str(path)}


def keep_on_loopback(page: Page) -> list[str]:
    """Answer every request of ``page`` that is not to 127.0.0.1 with an empty
    200 in the browser (the mock's pages ask a CDN for a stylesheet); returns
    the list those requests' addresses are collected in."""
    outside: list[str] = []

    def handle(route: Route) -> None:
        url = route.request.url
        if urlparse(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
            route.continue_()
            return
        outside.append(url)
        route.fulfill(status=200, body="", content_type="text/css" if url.endswith(".css") else "text/plain")

    page.route("**/*", handle)
    return outside

"""The shipped nginx configuration in front of two app servers (issue 14,
"Deployment, tested here"): Debian's nginx on loopback with TLS (a throwaway
certificate), two ``streamlit run serve.py`` on one demo database with the
same cookie secret, and Chromium through the proxy.

What it proves: pages load signed in through the proxy with no CSP violation
in the console; a browser keeps to one app server (its WebSocket and every
request: the access log's ``$upstream_addr`` per route cookie) while the
browsers as a whole are spread over both; every response carries the security
headers, on the page, a static asset and an error alike; the served HTML says
``lang="sv"``; plain HTTP only redirects to HTTPS.

Skipped with the reason when /usr/sbin/nginx (or Chromium) is missing; nothing
is installed here (``.ci/run`` installs nginx when it runs as root).
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from e2e.helpers import (
    JOURNEY_MARKS,
    SIDEBAR,
    SIGN_OUT_BUTTON,
    TIMEOUT_MS,
    VIEWPORT,
    Watch,
    demo_database,
    landing_page,
    metric_value,
    open_in_session,
    page_heading,
    role_pages,
    served,
    sign_in,
    write_csv,
)
from e2e.proxy import NGINX, NO_NGINX_REASON, SHIPPED_CONF, Proxy, insecure_tls, port_in_range, proxied

pytestmark = [*JOURNEY_MARKS, pytest.mark.skipif(not NGINX.exists(), reason=NO_NGINX_REASON)]

# Every replica must sign cookies with the same secrets (docs/deployment.md);
# the XSRF cookie is Streamlit's server.cookieSecret.
SHARED_ENV = {"STREAMLIT_SERVER_COOKIE_SECRET": "e2e-proxy-" + "0123456789abcdef" * 3}
ROUTE_COOKIE = "avtalsfokus_route"
LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]+" (?P<status>\d+) route=(?P<route>\S+) upstream=(?P<up>\S+)'
)

# Pages each browser opens in its one session: charts, tables and forms.
JOURNEYS = {
    "ledning": ("avtalstrohet", "mal", "hitta-avtal"),
    "upphandlare": ("inkorg", "vem-koper-vad", "importera", "hitta-avtal"),
}

# An invoice file for the import page's preview (nothing is imported).
UPLOAD_ROWS = [
    ["Fakturadatum", "Leverantör", "Belopp"],
    ["2026-10-01", "Proxy AB", "100,00"],
    ["2026-10-02", "Proxy AB", "200,00"],
]

# Reports every CSP violation to the console, where the test reads it.
CSP_WATCH = """document.addEventListener('securitypolicyviolation', e =>
    console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile))"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Proxy, list[str]]]:
    """nginx with the shipped configuration in front of two app servers on one database."""
    tmp = tmp_path_factory.mktemp("proxy")
    database_url = demo_database(tmp)
    with ExitStack() as stack:
        upstreams: list[str] = []
        for name in ("a", "b"):
            folder = tmp / name
            folder.mkdir()
            port = port_in_range([int(url.rsplit(":", 1)[1]) for url in upstreams])
            upstreams.append(
                stack.enter_context(served(database_url, folder, port=port, extra_env=SHARED_ENV))
            )
        proxy = stack.enter_context(proxied(upstreams, tmp / "nginx"))
        yield proxy, upstreams


def _get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30, context=insecure_tls()) as response:
            return response.status, dict(response.headers.items()), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read().decode("utf-8", "replace")


def _shipped_csp() -> str:
    found = re.search(r'set \$avtalsfokus_csp "([^"]+)";', SHIPPED_CONF.read_text(encoding="utf-8"))
    assert found, "no CSP in the shipped configuration"
    return found.group(1)


def _log(proxy: Proxy) -> list[dict[str, str]]:
    return [m.groupdict() for m in map(LOG_LINE.search, proxy.access_log.read_text().splitlines()) if m]


def test_every_response_carries_the_security_headers_and_lang_sv(stack: tuple[Proxy, list[str]]) -> None:
    proxy, _ = stack
    status, headers, html = _get(proxy.url + "/")
    assert status == 200
    assert '<html lang="sv">' in html and 'lang="en"' not in html  # WCAG 3.1.1, rewritten by sub_filter
    asset = re.search(r'src="\./(static/js/index\.[^"]+\.js)"', html)
    assert asset, html[:2000]
    csp = _shipped_csp()
    # The CSP allows Streamlit's one inline script by its hash: a Streamlit
    # upgrade that changes it must change the shipped policy too.
    for script in re.findall(r"<script>(.*?)</script>", html, re.S):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp, f"inline script {script.strip()!r} is not in the CSP"

    for path in ("/", "/" + asset.group(1), "/no-such-file.png", "/_stcore/health"):
        status, headers, _ = _get(proxy.url + path)
        assert status in (200, 404), (path, status)
        assert headers.get("Content-Security-Policy") == csp, path
        assert "frame-ancestors 'none'" in csp
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", path
        assert headers.get("X-Frame-Options") == "DENY", path
        assert headers.get("Strict-Transport-Security", "").startswith("max-age="), path


def test_plain_http_only_redirects_to_https(stack: tuple[Proxy, list[str]]) -> None:
    proxy, _ = stack

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(proxy.http_url + "/avtal?contract=X", timeout=10)
    assert refused.value.code == 301
    assert refused.value.headers["Location"].startswith("https://127.0.0.1")


def test_new_browsers_are_spread_and_each_keeps_to_one_server(stack: tuple[Proxy, list[str]]) -> None:
    """Without the route cookie each client gets a fresh key (so both servers get
    clients); with it, every request lands on the server the key chose."""
    proxy, upstreams = stack
    routes = []
    for _ in range(16):
        _, headers, _ = _get(proxy.url + "/_stcore/health")
        cookie = headers.get("Set-Cookie", "")
        assert cookie.startswith(f"{ROUTE_COOKIE}=") and "HttpOnly" in cookie and "Secure" in cookie, cookie
        routes.append(cookie.split(";", 1)[0])
    for route in routes:
        for path in ("/_stcore/health", "/", "/_stcore/host-config"):
            _, headers, _ = _get(proxy.url + path, cookie=route)
            assert "Set-Cookie" not in headers  # a browser that has the cookie keeps it
    served_by: dict[str, set[str]] = defaultdict(set)
    for entry in _log(proxy):
        served_by[entry["route"]].add(entry["up"])
    mine = {route.split("=", 1)[1] for route in routes}
    assert all(len(served_by[key]) == 1 for key in mine), {key: served_by[key] for key in mine}
    used = set().union(*(served_by[key] for key in mine))
    assert used == {url.removeprefix("http://") for url in upstreams}, used


def _new_browser(browser: Browser) -> tuple[BrowserContext, Page, Watch]:
    context = browser.new_context(ignore_https_errors=True, viewport=VIEWPORT)
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    return context, page, Watch(page)


def test_signed_in_sessions_stay_on_their_server_with_no_csp_violation(
    stack: tuple[Proxy, list[str]], browser: Browser, tmp_path: Path
) -> None:
    """Two browsers sign in through the proxy and move through their pages in one
    session each (reruns over the WebSocket, an upload, a download): they stay
    signed in, nothing breaks the CSP, the page's language is Swedish, and the
    log shows each browser's requests, its WebSocket included, on one server."""
    proxy, _ = stack
    keys: dict[str, str] = {}
    for role, paths in JOURNEYS.items():
        context, page, watch = _new_browser(browser)
        sign_in(page, role, proxy.url)
        assert page.evaluate("document.documentElement.lang") == "sv"
        specs = {spec.url_path: spec for spec in role_pages(role)}
        expect(page.get_by_role("heading", name=page_heading(landing_page(role)), level=1)).to_be_visible()
        for path in paths:
            open_in_session(page, "/" + path)
            heading = page.get_by_role("heading", name=page_heading(specs[path]), exact=True, level=1)
            expect(heading).to_be_visible(timeout=TIMEOUT_MS)
            page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
            watch.settled()  # console errors (CSP violations among them), page errors, failed requests
            expect(page.locator(SIDEBAR).get_by_role("button", name=SIGN_OUT_BUTTON)).to_be_visible()
            if path == "importera":  # an upload: an HTTP request that must reach the session's server
                upload = write_csv(tmp_path / "proxy.csv", UPLOAD_ROWS)
                page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(upload)
                expect(metric_value(page, "Rader i filen")).to_have_text("2", timeout=TIMEOUT_MS)
                watch.settled()
            if path == "hitta-avtal":  # a download: the file lives in that server's memory
                with page.expect_download(timeout=TIMEOUT_MS) as download:
                    page.locator('[data-testid="stDownloadButton"] button').first.click()
                assert Path(download.value.path()).read_bytes()[:2] == b"PK"  # an .xlsx
                watch.settled()
        keys[role] = next(c["value"] for c in context.cookies() if c["name"] == ROUTE_COOKIE)
        context.close()  # nginx logs a WebSocket when it closes

    # nginx writes a WebSocket's line once both ends have closed: wait for them.
    deadline = time.monotonic() + 15
    while True:
        served_by: dict[str, set[str]] = defaultdict(set)
        streams: dict[str, int] = defaultdict(int)
        for entry in _log(proxy):
            served_by[entry["route"]].add(entry["up"])
            if entry["path"] == "/_stcore/stream" and entry["status"] == "101":
                streams[entry["route"]] += 1
        if all(streams[key] for key in keys.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    paths_of: dict[str, list[str]] = defaultdict(list)
    for entry in _log(proxy):
        paths_of[entry["route"]].append(entry["path"])
    procurer = paths_of[keys["upphandlare"]]
    assert any(path.startswith("/_stcore/upload_file") for path in procurer), (
        "the upload did not pass the proxy"
    )
    assert any(path.startswith("/media/") for path in procurer), "the download did not pass the proxy"
    # A replica nginx took for failed moves its browsers to another: never here.
    errors = [line for line in proxy.error_log.read_text().splitlines() if "upstream" in line]
    assert not errors, "\n".join(errors[:5])
    for role, key in keys.items():
        assert len(served_by[key]) == 1, (role, served_by[key])
        assert streams[key] >= 1, f"{role}: no WebSocket upgrade logged through the proxy"


def test_static_assets_are_compressed_by_the_proxy(stack: tuple[Proxy, list[str]]) -> None:
    """The replicas are asked for plain bodies (for sub_filter), so nginx gzips."""
    proxy, _ = stack
    _, _, html = _get(proxy.url + "/")
    asset = re.search(r'src="\./(static/js/index\.[^"]+\.js)"', html)
    assert asset
    request = urllib.request.Request(f"{proxy.url}/{asset.group(1)}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30, context=insecure_tls()) as response:
        assert response.headers.get("Content-Encoding") == "gzip"


def test_the_shipped_file_is_what_runs(stack: tuple[Proxy, list[str]]) -> None:
    proxy, _ = stack
    rendered = (proxy.folder / "avtalsfokus.conf").read_text(encoding="utf-8")
    assert _shipped_csp() in rendered
    assert Path(SHIPPED_CONF).read_text(encoding="utf-8").count("add_header") == rendered.count("add_header")

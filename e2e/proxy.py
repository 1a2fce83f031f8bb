"""The shipped nginx configuration (``deploy/nginx/avtalsfokus.conf``) run on
loopback in front of app servers, for the tests that need the real proxy.

The file is used as shipped; only what differs on a test machine is
substituted: the upstream servers, the listen ports, the certificate (a
throwaway self-signed one) and the access log. Each substitution must match
exactly once, so a change to the shipped file that the tests would no longer
see fails here instead of passing untested. nginx runs as our own process
(``-p`` a temporary prefix, ``daemon off``), never as the system service.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from e2e.helpers import REPO_ROOT, free_port_in

NGINX = Path("/usr/sbin/nginx")
NO_NGINX_REASON = "Proxy tests need Debian's nginx: apt-get install nginx (.ci/run installs it when root)"
SHIPPED_CONF = REPO_ROOT / "deploy" / "nginx" / "avtalsfokus.conf"
START_TIMEOUT = 15.0

# This machine's share of loopback ports for these tests (shared with other helpers).
PORT_RANGE = range(8720, 8750)


def port_in_range(taken: Sequence[int] = (), ports: range = PORT_RANGE) -> int:
    """A loopback port in ``ports`` that nothing listens on and is not in ``taken``."""
    port = free_port_in(ports, taken)
    if port is not None:
        return port
    raise RuntimeError(f"no free port in {ports}")


def _substitute_once(text: str, old: str, new: str) -> str:
    count = text.count(old)
    assert count == 1, f"{SHIPPED_CONF.name}: expected {old!r} once, found it {count} times"
    return text.replace(old, new)


def render(upstreams: Sequence[str], https_port: int, http_port: int, folder: Path) -> str:
    """The shipped configuration with this machine's ports, certificate and log."""
    text = SHIPPED_CONF.read_text(encoding="utf-8")
    servers = "\n".join(
        f"    server {urlparse(url).netloc} max_fails=3 fail_timeout=10s;" for url in upstreams
    )
    text = _substitute_once(
        text,
        "    server 127.0.0.1:8501 max_fails=3 fail_timeout=10s;\n"
        "    server 127.0.0.1:8502 max_fails=3 fail_timeout=10s;",
        servers,
    )
    text = _substitute_once(text, "listen 80;", f"listen 127.0.0.1:{http_port};")
    text = _substitute_once(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    text = _substitute_once(text, "/etc/ssl/certs/avtal.kommun.se.pem", str(folder / "cert.pem"))
    text = _substitute_once(text, "/etc/ssl/private/avtal.kommun.se.key", str(folder / "key.pem"))
    return _substitute_once(text, "/var/log/nginx/avtalsfokus.access.log", str(folder / "access.log"))


def _main_conf(folder: Path) -> str:
    """What /etc/nginx/nginx.conf gives the shipped file, pointed at ``folder``."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # the pytest tmp dir is 0700
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} notice;\n"
        "events { worker_connections 4096; }\n"  # a browser holds a WebSocket and several fetches
        "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"{temp}\n    access_log off;\n    include {folder / 'avtalsfokus.conf'};\n}}\n"
    )


def _self_signed_certificate(folder: Path) -> None:
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )


def insecure_tls() -> ssl.SSLContext:
    """A client context that accepts the throwaway certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@dataclass(frozen=True)
class Proxy:
    url: str  # https://127.0.0.1:PORT
    http_url: str  # the plain-HTTP listener, which only redirects
    folder: Path

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    @property
    def error_log(self) -> Path:
        return self.folder / "error.log"


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def proxied(upstreams: Sequence[str], folder: Path, ports: range = PORT_RANGE) -> Iterator[Proxy]:
    """nginx with the shipped configuration in front of ``upstreams`` (their base
    URLs), on loopback ports of ``ports``; yields it and stops it. Browsers need
    ``ignore_https_errors=True`` (the certificate is self-signed), urllib
    :func:`insecure_tls`."""
    if not NGINX.exists():
        pytest.skip(NO_NGINX_REASON)
    folder.mkdir(parents=True, exist_ok=True)
    taken = [urlparse(url).port or 0 for url in upstreams]
    https_port = port_in_range(taken, ports)
    http_port = port_in_range([*taken, https_port], ports)
    _self_signed_certificate(folder)
    (folder / "avtalsfokus.conf").write_text(
        render(upstreams, https_port, http_port, folder), encoding="utf-8"
    )
    main = folder / "nginx.conf"
    main.write_text(_main_conf(folder), encoding="utf-8")
    base = [str(NGINX), "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(main)]
    check = subprocess.run([*base, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, f"nginx -t refused the configuration:\n{check.stderr}"
    with (folder / "nginx.out").open("w") as out:
        proc = subprocess.Popen(base, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _listening(https_port):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not start:\n{(folder / 'error.log').read_text()}", pytrace=False)
            time.sleep(0.05)
        yield Proxy(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", folder)
    finally:
        proc.terminate()  # SIGTERM: nginx's fast shutdown
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder / "proxy", ignore_errors=True)

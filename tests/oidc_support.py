"""A real OpenID Connect provider on loopback (`oidc-provider-mock` from PyPI) and a
dashboard configured to log in through it, as an office's Keycloak would be."""

from __future__ import annotations

import contextlib
import secrets
import shutil
from pathlib import Path
from urllib.parse import quote

import httpx

from tests.browser_support import Server, free_port


@contextlib.contextmanager
def provider():
    """The provider's base URL; stopped afterwards."""
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread(port=free_port()) as server:
        yield f"http://localhost:{server.server_port}"


def put_user(provider_url: str, email: str, name: str, **claims) -> None:
    """The claims the provider will issue for `email` (role and areas among them)."""
    body = {"email": email, "name": name, **claims}
    r = httpx.put(f"{provider_url}/users/{quote(email)}", json=body, timeout=10)
    assert r.status_code == 204, r.text


def secrets_toml(folder: Path, port: int, provider_url: str) -> Path:
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "antt-map"\n'
        'client_secret = "bi-mat-thu"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


@contextlib.contextmanager
def login_server(source: Path, folder: Path, provider_url: str):
    """`antt-map serve --secrets …` on a copy of the store at `source`, ready."""
    store = folder / "antt.gpkg"
    shutil.copy(source, store)
    port = free_port()
    srv = Server(
        store,
        folder / "server.log",
        ("--secrets", str(secrets_toml(folder, port, provider_url))),
        port,
    )
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


def log_in(page, server_url: str, email: str, path: str = "") -> None:
    """Open the page, press "Đăng nhập", type the user on the provider's form."""
    page.goto(f"{server_url}/{path}")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server_url}/**", timeout=30000)

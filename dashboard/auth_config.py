"""Whether login is configured: Streamlit's `[auth]` section (OpenID Connect).

`st.login` reads `[auth]` from the secrets file: `redirect_uri`, `cookie_secret`, and
the provider's `client_id`, `client_secret` and `server_metadata_url`. `antt-map serve`
passes the file to Streamlit (`--secrets.files`) and refuses to listen beyond this
machine without it, so a server on the office network is never open without a login.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret",
             "server_metadata_url")  # fmt: skip
SECRETS_ENV = "ANTT_SECRETS"


def secrets_file(explicit: str | None) -> Path | None:
    """The secrets file serve uses: `--secrets`, else $ANTT_SECRETS, else
    `.streamlit/secrets.toml` of the folder serve was started in (None: none there)."""
    given = explicit or os.environ.get(SECRETS_ENV)
    if given:
        return Path(given).expanduser().resolve()
    here = Path.cwd() / ".streamlit" / "secrets.toml"
    return here.resolve() if here.exists() else None


def auth_problems(auth) -> list[str]:
    """What `[auth]` lacks for a login (empty: login is configured)."""
    if not auth:
        return ["mục [auth]"]
    return [k for k in AUTH_KEYS if not str(auth.get(k, "") or "").strip()]


def file_problems(path: Path | None) -> list[str]:
    """What the secrets file at `path` lacks for a login (empty: configured)."""
    if path is None:
        return ["tệp secrets.toml"]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [f"tệp {path}"]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        return [f"một tệp {path} đọc được ({err})"]
    return auth_problems(data.get("auth"))

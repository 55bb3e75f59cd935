"""Two (or more) dashboard replicas on one store behind Debian's nginx with the shipped
configuration (deploy/nginx/antt-map.conf), on loopback ports: for the tests and the
bench of the shared server."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path

from tests.browser_support import Server, free_port, wait_for

DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "nginx" / "antt-map.conf"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def nginx_conf(folder: Path, listen: int, replicas: list[int]) -> Path:
    """deploy/nginx/antt-map.conf as shipped, with this test's ports, in a main config
    that runs nginx unprivileged in `folder`."""
    site = DEPLOY.read_text(encoding="utf-8")
    servers = "".join(f"    server 127.0.0.1:{p};\n" for p in replicas)
    site = re.sub(r"(    server 127\.0\.0\.1:\d+;\n)+", servers, site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    conf = folder / "nginx.conf"
    conf.write_text(
        f"worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n access_log {folder}/access.log;\n client_body_temp_path {folder}/body;\n"
        f" proxy_temp_path {folder}/proxy;\n fastcgi_temp_path {folder}/fcgi;\n"
        f" uwsgi_temp_path {folder}/uwsgi;\n scgi_temp_path {folder}/scgi;\n{site}\n}}\n",
        encoding="utf-8",
    )
    return conf


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def deployment(store: str, folder: Path, replicas: int = 2):
    """`replicas` servers of `store` and nginx in front; yields the proxy's URL and the
    servers. Everything is stopped afterwards."""
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx; .ci/run does)")
    servers = [Server(store, folder / f"replica{i}.log") for i in range(replicas)]
    proc = None
    try:
        for s in servers:
            s.wait_ready()
        port = free_port()
        conf = nginx_conf(folder, port, [s.port for s in servers])
        proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(folder), "-g", "daemon off;"])
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/_stcore/health"), what="nginx")
        yield f"http://localhost:{port}", servers
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        for s in servers:
            s.stop()

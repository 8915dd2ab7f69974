"""`nianbao serve`: the application on uvicorn, started without a question (it can run as a service)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from pathlib import Path

from ..errors import NianbaoError
from .app import create_app

MAX_CONNECTIONS = 200  # beyond this uvicorn answers 503 at once; the worker pool queues far fewer jobs


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, or a Chinese message when the address cannot be used."""
    listener: socket.socket | None = None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, protocol, _, address = infos[0]
        listener = socket.socket(family, kind, protocol)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
    except OSError as exc:
        if listener is not None:
            listener.close()
        reason = exc.strerror or str(exc)
        raise NianbaoError(
            f"无法在 {host}:{port} 上启动服务：{reason}（端口可能已被占用，请用 --port 换一个）。"
        ) from exc
    listener.set_inheritable(True)
    return listener


def is_loopback(host: str) -> bool:
    """Whether only this computer can reach the address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str, port: int, data: Path, echo: Callable[[str], None]) -> None:
    """Run the server until interrupted; print where it is and, before the account exists, the setup link."""
    import uvicorn

    listener = bind(host, port)
    app = create_app(data)
    store = app.state.server.store
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}"
    echo(f"nianbao 网页服务：{base}/ （填报人员检查年报）  {base}/county （县级政务公开办）")
    echo(f"数据文件夹：{store.folder}")
    if not is_loopback(host):
        echo(f"注意：服务监听 {host}，同一网络中的其他电脑都能访问；请只在单位内网中这样使用。")
    if not store.has_account():
        echo(
            f"首次使用：请在浏览器中打开下面的链接，设置县级管理员账号和密码（只能使用一次）：\n  {base}/county/setup/{store.new_setup_token()}"
        )
    echo("按 Ctrl+C 停止服务。")
    config = uvicorn.Config(
        app,
        log_level="info",
        limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=30,
        server_header=False,
        proxy_headers=True,  # behind the county's reverse proxy on the same machine: its https is known
    )
    uvicorn.Server(config).run(sockets=[listener])

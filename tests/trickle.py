"""A loopback HTTP server that trickles its answer one byte at a time (tests of deadlines)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Padding: " + b"x" * 400


@contextmanager
def trickle_server(*, headers_slowly: bool, every: float = 0.1) -> Iterator[str]:
    """Serve ``/`` on 127.0.0.1, one byte every ``every`` seconds, until the client hangs up.

    With ``headers_slowly`` the status line and headers never end; otherwise
    they arrive at once and the body never does. Yields the URL.
    """
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    threads: list[threading.Thread] = []

    def serve(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                if headers_slowly:
                    payload = HEADERS + b"x" * 100_000
                else:
                    conn.sendall(HEADERS + b"\r\n\r\n")
                    payload = b"<rss version='2.0'><channel>" + b" " * 100_000
                for index in range(len(payload)):
                    if stop.wait(every):
                        return
                    conn.sendall(payload[index : index + 1])
            except OSError:
                return  # the client hung up: what a deadline does

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=serve, args=(conn,), daemon=True)
            thread.start()
            threads.append(thread)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        stop.set()
        acceptor.join(timeout=5)
        listener.close()
        for thread in threads:
            thread.join(timeout=5)

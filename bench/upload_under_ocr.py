#!/usr/bin/env python3
"""Upload and list latency while the OCR worker is busy, against the same requests on an idle server.

Usage: bench/upload_under_ocr.py [path/to/autotrack] [fixture image]   (defaults: target/release/autotrack,
tests/fixtures/invoice.jpg). Standard library only. Prints p50/p95 for both phases.
"""
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def multipart(name, data):
    b = uuid.uuid4().hex
    body = (f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{b}--\r\n".encode()
    return body, f"multipart/form-data; boundary={b}"


def timed(conn, method, path, token, body=None, ctype=None):
    headers = {"Authorization": f"Bearer {token}"}
    if ctype:
        headers["Content-Type"] = ctype
    t0 = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    res = conn.getresponse()
    res.read()
    if res.status >= 300:
        raise SystemExit(f"{method} {path}: {res.status}")
    return (time.perf_counter() - t0) * 1000


def phase(conn, token, image, n=20):
    up, ls = [], []
    for _ in range(n):
        body, ctype = multipart("probe.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        up.append(timed(conn, "POST", "/api/documents/", token, body, ctype))
        ls.append(timed(conn, "GET", "/api/documents/?page_size=20", token))
    f = lambda xs: (round(statistics.median(xs), 2), round(sorted(xs)[int(len(xs) * 0.95) - 1], 2))
    return f(up), f(ls)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/autotrack"
    image = open(sys.argv[2] if len(sys.argv) > 2 else "tests/fixtures/invoice.jpg", "rb").read()
    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        env = dict(os.environ, AUTOTRACK_DATA_DIR=d, AUTOTRACK_LISTEN=f"127.0.0.1:{port}", AUTOTRACK_OTP_POLICY="off",
                   AUTOTRACK_RATE_LIMITS="off", AUTOTRACK_DEFAULT_PLAN="premium", AUTOTRACK_LOG="warn")
        server = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.5)
            conn = http.client.HTTPConnection("127.0.0.1", port)
            pw = "Bench-Password-1"
            conn.request("POST", "/api/auth/register", json.dumps({"email": "b@bench.example", "password": pw, "password_confirm": pw,
                         "first_name": "B", "last_name": "B"}), {"Content-Type": "application/json"})
            token = json.loads(conn.getresponse().read())["tokens"]["access"]
            # Load the models once so that both phases compare a warm server.
            body, ctype = multipart("warm.jpg", image)
            timed(conn, "POST", "/api/documents/", token, body, ctype)
            time.sleep(3)
            idle = phase(conn, token, image)
            for i in range(12):
                body, ctype = multipart(f"scan{i}.jpg", image)
                timed(conn, "POST", "/api/documents/", token, body, ctype)
            time.sleep(0.3)
            busy = phase(conn, token, image)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{'phase':<10} {'upload p50/p95 ms':<20} {'list p50/p95 ms':<20}")
    print(f"{'idle':<10} {str(idle[0]):<20} {str(idle[1]):<20}")
    print(f"{'ocr busy':<10} {str(busy[0]):<20} {str(busy[1]):<20}")


if __name__ == "__main__":
    main()

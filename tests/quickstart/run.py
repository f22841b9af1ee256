"""The README quick start, run as a newcomer would: the lines between `<!-- quickstart -->` and `<!-- /quickstart -->`
in README.md, in an empty directory holding only the binary, with no settings and no mail server.

What a person does by hand, the script does the same way: it waits for `serve` to answer before the next line (a
person waits for its "listening" line), types the password that `create-user` asks for, and puts the code that
`outbox show` printed and the access token that `verify-otp` answered in place of the README's placeholders.
Each step's answer is checked; the end is a signed-in call. It prints the time the whole sequence took.

    python tests/quickstart/run.py --binary target/debug/autotrack
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
README = os.path.join(HERE, "..", "..", "README.md")
PASSWORD = "Quick-Start-Pass-1"
PLACEHOLDERS = {"password": "your password", "code": "123456", "access": "ACCESS"}


def commands(readme: str) -> list[str]:
    """The shell lines of the quick start block, continuation lines joined."""
    match = re.search(r"<!-- quickstart -->\s*```sh\n(.*?)```\s*<!-- /quickstart -->", readme, re.S)
    if not match:
        sys.exit("README.md has no quick start block between <!-- quickstart --> and <!-- /quickstart -->")
    joined = match.group(1).replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"serve stopped with {server.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{base}/api/health/", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"serve did not answer {base}/api/health/ within {seconds} s")


def fail(step: str, why: str, output: str) -> None:
    sys.exit(f"quick start failed at `{step}`: {why}\n--- output ---\n{output}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    with open(README, encoding="utf-8") as f:
        lines = commands(f.read())
    block = "\n".join(lines)
    for name, text in PLACEHOLDERS.items():
        if text not in block:
            sys.exit(f"the quick start no longer holds the {name} placeholder {text!r}: update this script")

    work = tempfile.mkdtemp(prefix="autotrack-quickstart-")
    shutil.copy(args.binary, os.path.join(work, "autotrack"))
    # A newcomer's shell: none of this machine's AutoTrack settings; only the port is moved off 8080, which the
    # machine running the tests may use for something else.
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOTRACK_")}
    env["AUTOTRACK_LISTEN"] = f"127.0.0.1:{port}"
    base = f"http://127.0.0.1:{port}"
    server = None
    server_log = open(os.path.join(work, "serve.log"), "w+", encoding="utf-8")
    found: dict[str, str] = {}
    started = time.monotonic()
    try:
        for step in lines:
            cmd = step.replace("127.0.0.1:8080", f"127.0.0.1:{port}")
            cmd = cmd.replace(PLACEHOLDERS["password"], PASSWORD)
            for name in ("code", "access"):
                if PLACEHOLDERS[name] in cmd:
                    if name not in found:
                        fail(step, f"no {name} from the earlier steps to put in", "")
                    cmd = cmd.replace(PLACEHOLDERS[name], found[name])
            if cmd.endswith("&"):
                server = subprocess.Popen(
                    ["bash", "-c", "exec " + cmd[:-1]], cwd=work, env=env,
                    stdout=server_log, stderr=server_log, stdin=subprocess.DEVNULL,
                )
                wait_healthy(base, server)
                continue
            typed = PASSWORD + "\n" if "create-user" in cmd else ""
            done = subprocess.run(
                ["bash", "-c", cmd], cwd=work, env=env, input=typed, capture_output=True, text=True, timeout=60
            )
            out = done.stdout
            if done.returncode != 0:
                fail(step, f"exit status {done.returncode}", out + done.stderr)
            if "/auth/login/" in cmd:
                answer = json.loads(out)
                if answer.get("otp_required") is not True or "cannot send mail" not in answer.get("detail", ""):
                    fail(step, "the login should ask for a code and say it was not mailed", out)
            elif "outbox show" in cmd:
                codes = re.findall(r"^\s*(\d{6})\s*$", out, re.M)
                if len(codes) != 1:
                    fail(step, "expected one 6-digit code in the mail", out)
                found["code"] = codes[0]
            elif "/auth/verify-otp/" in cmd:
                answer = json.loads(out)
                access = answer.get("tokens", {}).get("access")
                if not access:
                    fail(step, "verify-otp gave no access token", out)
                found["access"] = access
            elif "/auth/me/" in cmd:
                answer = json.loads(out)
                if answer.get("email") != "you@example.com" or answer.get("is_staff") is not True:
                    fail(step, "the signed-in call should answer the admin account", out)
            elif "create-user" in cmd and "created admin you@example.com" not in out:
                fail(step, "create-user did not report the new admin", out)
        elapsed = time.monotonic() - started
        if "access" not in found or server is None:
            sys.exit("the quick start ended without a signed-in call")
        server.send_signal(signal.SIGTERM)
        if server.wait(timeout=30) != 0:
            fail("serve", f"stopped with {server.returncode} after SIGTERM", "")
        server_log.seek(0)
        log = server_log.read()
        if "SMTP is not configured" not in log:
            fail("serve", "the log should say once that mail waits in the outbox", log)
        # A 6-digit run after a dot is a timestamp's microseconds, not the code.
        if re.search(rf"(?<![\d.]){found['code']}(?!\d)", log) or found["access"] in log:
            fail("serve", "a code or a token reached the log", log)
        print(f"quick start: {len(lines)} steps, signed in, in {elapsed:.1f} s of machine time")
    finally:
        if server is not None and server.poll() is None:
            server.kill()
            server.wait()
        server_log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

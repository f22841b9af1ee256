#!/usr/bin/env bash
# The test command. Installs what the tests need on a fresh machine, then runs every test:
#   - a Python virtualenv with aiosmtpd (the real SMTP server the tests send mail to);
#   - cargo test (unit tests, the HTTP black-box tests, the CLI process tests).
# Extra arguments go to cargo test (e.g. scripts/test.sh --test api auth::).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${AUTOTRACK_TEST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/autotrack/test-venv}"
if ! "$venv/bin/python" -c "import aiosmtpd" 2>/dev/null; then
    echo "== installing the test SMTP server (aiosmtpd) into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==1.4.6"
fi
export AUTOTRACK_TEST_PYTHON="$venv/bin/python"

echo "== cargo test"
cargo test --locked "$@"

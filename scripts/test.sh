#!/usr/bin/env bash
# The test command. Installs what the tests need on a fresh machine, then runs every test:
#   - a Python virtualenv with aiosmtpd (the real SMTP server the tests send mail to), schemathesis, localstripe
#     and factur-x (builds and XSD-checks the Factur-X and UBL e-invoices of tests/einvoice/make.py);
#   - cargo test (unit and property tests, the HTTP black-box tests, the CLI process tests);
#   - the README quick start (tests/quickstart/run.py runs its lines in an empty directory, no settings, no SMTP);
#   - the crash test (tests/crash/crash.py: SIGKILL under write load, AUTOTRACK_TEST_CRASH_CYCLES cycles, default 20);
#   - API fuzzing (tests/fuzz_api/run.py: schemathesis with two users, AUTOTRACK_TEST_FUZZ_EXAMPLES per operation,
#     default 5, which makes a few thousand cases);
#   - the typed client check (tests/ts/: npm installs openapi-typescript, openapi-fetch and TypeScript from
#     package-lock.json; the types generated from the binary's OpenAPI document must type-check client.ts).
# Extra arguments go to cargo test alone (e.g. scripts/test.sh --test api auth::) and skip the two suites.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${AUTOTRACK_TEST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/autotrack/test-venv}"
if ! "$venv/bin/python" -c "import aiosmtpd, schemathesis, localstripe, facturx" 2>/dev/null; then
    echo "== installing the test SMTP server (aiosmtpd), schemathesis, localstripe and factur-x into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==1.4.6" "schemathesis==4.32.5" \
        "localstripe==1.15.10" "aiohttp==3.14.5" "factur-x==7.8"
fi
export AUTOTRACK_TEST_PYTHON="$venv/bin/python"

echo "== cargo test"
cargo test --locked "$@"
if [ "$#" -gt 0 ]; then
    exit 0
fi

cargo build --locked --quiet
binary="$(cd "${CARGO_TARGET_DIR:-target}/debug" && pwd)/autotrack"
echo "== README quick start"
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl; }
"$venv/bin/python" tests/quickstart/run.py --binary "$binary"
echo "== crash test"
"$venv/bin/python" tests/crash/crash.py --binary "$binary" --python "$venv/bin/python" \
    --cycles "${AUTOTRACK_TEST_CRASH_CYCLES:-20}"
echo "== API fuzzing"
"$venv/bin/python" tests/fuzz_api/run.py --binary "$binary" --max-examples "${AUTOTRACK_TEST_FUZZ_EXAMPLES:-5}"
echo "== typed client check (openapi-typescript + tsc)"
(
    cd tests/ts
    npm ci --no-audit --no-fund --loglevel=error
    mkdir -p generated
    "$binary" openapi > generated/openapi.json
    npx --no-install openapi-typescript generated/openapi.json -o generated/api.d.ts
    npx --no-install tsc --noEmit -p .
)

#!/usr/bin/env bash
# Runs every test of the project: the Rust workspace (unit, property, known-answer and
# end-to-end tests), then the Node suites that drive our binaries with the official TypeScript
# SDK. This is the README's test command; CI runs it through .ci/run.
#
# Needs: a Rust toolchain, Node.js (20 or newer) and npm; the npm packages are installed from
# the committed lock files.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --locked

# The Node suites use the debug binaries built above.
cargo build --locked --bins
for suite in localnet/tests/node tests/interop; do
    echo "== node suite: $suite"
    (cd "$suite" && npm ci --no-audit --no-fund --loglevel=error && node --test)
done

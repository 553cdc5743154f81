#!/usr/bin/env bash
# Runs every test of the project: the Rust workspace (unit, property, known-answer and
# end-to-end tests). This is the README's test command; CI runs it through .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --locked

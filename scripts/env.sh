# Sourced by the other scripts: tool versions and PATH, from one place.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TRUNK_VERSION=0.21.14
# The wasm-bindgen CLI must equal the crate pinned in Cargo.toml.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' "$ROOT/Cargo.toml")
E2E="$ROOT/tests/e2e"
export PATH="$HOME/.cargo/bin:$E2E/node_modules/.bin:$PATH"
cd "$ROOT"

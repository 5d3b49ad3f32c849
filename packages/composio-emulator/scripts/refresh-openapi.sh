#!/bin/sh
# Replaces the vendored OpenAPI description with the one at REF (default: Composio's `next` branch).
# Update SOURCE.md beside it (commit, date) by hand, then run the tests: the contract check reads it.
set -eu
curl -fsSL "https://raw.githubusercontent.com/ComposioHQ/composio/${1:-next}/docs/public/openapi.json" -o "$(dirname "$0")/../test/contract/composio-openapi.json"

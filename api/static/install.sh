#!/usr/bin/env bash
# Install the query page's browser code (YASGUI) and playwright-core (for the UI test) from
# the npm registry into api/static/node_modules, exactly as package-lock.json pins them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
npm ci --include=dev --no-audit --no-fund --ignore-scripts

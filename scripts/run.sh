#!/usr/bin/env bash
# Starts the action server and the Rasa server (and, with `shell`, a terminal chat instead of
# the HTTP server). Stops everything on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
mkdir -p var

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

$BIN/rasa run actions --port "$ACTIONS_PORT" --actions actions &
pids+=($!)

if [[ "${1:-}" == "shell" ]]; then
  $BIN/rasa shell --model models/current.tar.gz --endpoints endpoints.yml
  exit
fi

echo "REST webhook: http://localhost:${RASA_PORT}/webhooks/rest/webhook"
$BIN/rasa run --model models/current.tar.gz --port "$RASA_PORT" \
  --endpoints "${ENDPOINTS:-endpoints.yml}" --credentials credentials.yml --cors "*" &
pids+=($!)
wait -n

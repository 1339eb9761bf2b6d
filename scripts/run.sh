#!/usr/bin/env bash
# Starts the whole assistant on this machine (used by `make run` / `make shell`):
#   action server (actions/), Rasa server (channels from credentials.yml whose variables are
#   set), the patient chat page (web/), and the staff console (console/).
# Stops everything on Ctrl-C. Ports and origins come from the environment (README).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
WEB_PORT=${WEB_PORT:-8080}
CONSOLE_PORT=${CONSOLE_PORT:-8081}
RASA_URL=${RASA_URL:-http://localhost:${RASA_PORT}}
read -r -a WEB_ORIGINS <<< "${WEB_ORIGINS:-http://localhost:${WEB_PORT} http://127.0.0.1:${WEB_PORT}}"
export TF_CPP_MIN_LOG_LEVEL=2 RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
# Sanic refuses bodies over 1 MiB before reading them (the REST channel answers 413 over 64 KiB).
export SANIC_REQUEST_MAX_SIZE=${SANIC_REQUEST_MAX_SIZE:-1048576}
mkdir -p var

# Every setting checked before anything starts (settings/__init__.py): a bad value stops here.
$BIN/python -m settings check

# Only the channels whose environment variables are set (LINE, Slack) go into the active file.
$BIN/python -m channels.credentials credentials.yml var/credentials.yml

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

$BIN/rasa run actions --port "$ACTIONS_PORT" --actions actions &
pids+=($!)

if [[ "${1:-}" == "shell" ]]; then
  $BIN/rasa shell --model models/current.tar.gz --endpoints "${ENDPOINTS:-endpoints.yml}"
  exit
fi

$BIN/rasa run --model models/current.tar.gz --port "$RASA_PORT" \
  --endpoints "${ENDPOINTS:-endpoints.yml}" --credentials var/credentials.yml \
  --cors "${WEB_ORIGINS[@]}" &
pids+=($!)

WEB_PORT="$WEB_PORT" RASA_URL="$RASA_URL" $BIN/python -m web.server &
pids+=($!)

if [[ "${ENDPOINTS:-}" == *production* && -z "${CONSOLE_DATABASE_URL:-}" ]]; then
  export CONSOLE_DATABASE_URL="postgresql+psycopg2://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/${DB_NAME}"
fi
CONSOLE_PORT="$CONSOLE_PORT" $BIN/python -m console serve &
pids+=($!)

cat <<INFO

  Patient chat page : http://localhost:${WEB_PORT}/
  Staff console     : http://localhost:${CONSOLE_PORT}/   (create an account: make staff-user NAME=...)
  REST webhook      : http://localhost:${RASA_PORT}/webhooks/rest/webhook
  Conversation logs : ${ENDPOINTS:-endpoints.yml} (SQLite var/rasa.db by default)

INFO
wait -n

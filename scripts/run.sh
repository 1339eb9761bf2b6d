#!/usr/bin/env bash
# Starts the whole assistant on this machine (used by `make run` / `make shell`):
#   action server (actions/), Rasa server (channels from credentials.yml whose variables are
#   set), the patient chat page (web/), and the staff console (console/).
# Stops everything on Ctrl-C. Ports and origins come from the environment (README).
# Each server writes to var/log/<name>.log (libraries' deprecation warnings stay there); the
# terminal shows the addresses once every server answers, or the end of the log of one that died.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
WEB_PORT=${WEB_PORT:-8080}
CONSOLE_PORT=${CONSOLE_PORT:-8081}
RASA_URL=${RASA_URL:-http://localhost:${RASA_PORT}}
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://127.0.0.1:${ACTIONS_PORT}/webhook}
read -r -a WEB_ORIGINS <<< "${WEB_ORIGINS:-http://localhost:${WEB_PORT} http://127.0.0.1:${WEB_PORT}}"
export TF_CPP_MIN_LOG_LEVEL=2 RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
# Sanic refuses bodies over 1 MiB before reading them (the REST channel answers 413 over 64 KiB).
export SANIC_REQUEST_MAX_SIZE=${SANIC_REQUEST_MAX_SIZE:-1048576}
mkdir -p var/log
started=$SECONDS

# Every setting checked before anything starts (settings/__init__.py): a bad value stops here.
$BIN/python -m settings check

# Only the channels whose environment variables are set (LINE, Slack) go into the active file.
$BIN/python -m channels.credentials credentials.yml var/credentials.yml

pids=()
names=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
# start NAME COMMAND...: runs COMMAND in the background, its output in var/log/NAME.log
start() { local name=$1; shift; "$@" >"var/log/$name.log" 2>&1 & pids+=($!); names+=("$name"); }
# answers URL: true when URL answers HTTP at all
answers() { $BIN/python -c "import sys, urllib.request as u
try: u.urlopen(sys.argv[1], timeout=2)
except u.HTTPError: pass
except Exception: sys.exit(1)" "$1"; }

start actions $BIN/rasa run actions --port "$ACTIONS_PORT" --actions actions

if [[ "${1:-}" == "shell" ]]; then
  $BIN/rasa shell --model models/current.tar.gz --endpoints "${ENDPOINTS:-endpoints.yml}"
  exit
fi

start rasa $BIN/rasa run --model models/current.tar.gz --port "$RASA_PORT" \
  --endpoints "${ENDPOINTS:-endpoints.yml}" --credentials var/credentials.yml \
  --cors "${WEB_ORIGINS[@]}"

start web env WEB_PORT="$WEB_PORT" RASA_URL="$RASA_URL" $BIN/python -m web.server

if [[ "${ENDPOINTS:-}" == *production* && -z "${CONSOLE_DATABASE_URL:-}" ]]; then
  export CONSOLE_DATABASE_URL="postgresql+psycopg2://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/${DB_NAME}"
fi
start console env CONSOLE_PORT="$CONSOLE_PORT" $BIN/python -m console serve

echo "Starting the action server, Rasa (loading the model takes 20-60 s), the page and the console..."
urls=("http://127.0.0.1:${ACTIONS_PORT}/health" "http://127.0.0.1:${RASA_PORT}/" \
      "http://127.0.0.1:${WEB_PORT}/config.json" "http://127.0.0.1:${CONSOLE_PORT}/login")
for i in "${!urls[@]}"; do
  until answers "${urls[$i]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "The ${names[$i]} server stopped while starting. The end of var/log/${names[$i]}.log:" >&2
      tail -n 30 "var/log/${names[$i]}.log" >&2
      exit 1
    fi
    sleep 1
  done
done

cat <<INFO

  Ready in $((SECONDS - started)) s.

  Patient chat page : http://localhost:${WEB_PORT}/
  Staff console     : http://localhost:${CONSOLE_PORT}/   (create an account: make staff-user NAME=...)
  REST webhook      : http://localhost:${RASA_PORT}/webhooks/rest/webhook
  Conversation logs : ${ENDPOINTS:-endpoints.yml} (SQLite var/rasa.db by default)
  Server logs       : var/log/{actions,rasa,web,console}.log

INFO
wait -n

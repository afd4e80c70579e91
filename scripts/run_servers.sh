#!/usr/bin/env bash
# Start the action server, the Rasa server and the demo page; stop all three on Ctrl-C.
# Called by `make run`, which has loaded defaults.env into the environment (ENDPOINTS: endpoints.env.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
BIN=.venv/bin

# Everything this writes (the conversation database, logs) is for this user only.
umask 077
# Test settings never run here: ids other than the widget's are for the test suite only.
unset ALLOW_TEST_SENDER_IDS

# The HTTP API (/model/parse, /conversations/...) reads and changes every conversation: it is
# off unless ENABLE_API=1, and then every request needs RASA_API_TOKEN, on any interface (a
# proxy on this host would make a loopback-only API public). Checked before anything starts.
# The token stays in the environment (rasa_extensions/api_guard.py reads it), out of `ps`.
api_flags=()
case "${ENABLE_API:-0}" in
  1|true|yes|on)
    if [ -z "${RASA_API_TOKEN:-}" ]; then
      echo "Refusing to start: ENABLE_API=1 needs RASA_API_TOKEN (a long random string; clients" \
        "send 'Authorization: Bearer <token>')." >&2
      exit 2
    fi
    api_flags=(--enable-api) ;;
esac

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM

$BIN/rasa run actions --actions actions --port "$ACTION_PORT" &
pids+=($!)
# shellcheck disable=SC2086  # CORS_ORIGINS is a space-separated list
$BIN/rasa run --model models/as-assistant.tar.gz --endpoints "$ENDPOINTS" \
  --credentials credentials.yml --interface "$RASA_INTERFACE" --port "$RASA_PORT" \
  ${api_flags[@]+"${api_flags[@]}"} --cors $CORS_ORIGINS &
pids+=($!)
if [ -d web ]; then
  $BIN/python -m http.server "$WEB_PORT" --bind 127.0.0.1 --directory web >var/web.log 2>&1 &
  pids+=($!)
fi

until curl -sf "http://localhost:$RASA_PORT/" >/dev/null; do sleep 1; done
cat <<MSG

  The assistant is ready.
    Talk to it over REST:  curl -s localhost:$RASA_PORT/webhooks/rest/webhook \\
                             -d '{"sender": "web-$(cat /proc/sys/kernel/random/uuid)", "message": "what is bone marrow edema?"}'
    Demo page with the chat widget:  http://localhost:$WEB_PORT/
  Press Ctrl-C to stop.

MSG
wait -n

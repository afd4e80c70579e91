#!/usr/bin/env bash
# Start the action server, the Rasa server and the demo page; stop all three on Ctrl-C.
# Called by `make run`, which has loaded defaults.env into the environment (ENDPOINTS: endpoints.env.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
BIN=.venv/bin

# The HTTP API (/model/parse, /conversations/...) reads and changes conversations: it is only
# served on the loopback interface, or with a token. Checked before anything starts.
case "$RASA_INTERFACE" in
  127.*|::1|localhost) api_is_local=true ;;
  *) api_is_local=false ;;
esac
if [ "$api_is_local" = false ] && [ -z "${RASA_API_TOKEN:-}" ]; then
  echo "Refusing to start: RASA_INTERFACE=$RASA_INTERFACE is not loopback, so the HTTP API needs" \
    "a token. Set RASA_API_TOKEN (clients then add ?token=...), or RASA_INTERFACE=127.0.0.1." >&2
  exit 2
fi

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM

$BIN/rasa run actions --actions actions --port "$ACTION_PORT" &
pids+=($!)
api_flags=(--enable-api)
[ -n "${RASA_API_TOKEN:-}" ] && api_flags+=(--auth-token "$RASA_API_TOKEN")
# shellcheck disable=SC2086  # CORS_ORIGINS is a space-separated list
$BIN/rasa run --model models/as-assistant.tar.gz --endpoints "$ENDPOINTS" \
  --credentials credentials.yml --interface "$RASA_INTERFACE" --port "$RASA_PORT" \
  "${api_flags[@]}" --cors $CORS_ORIGINS &
pids+=($!)
if [ -d web ]; then
  $BIN/python -m http.server "$WEB_PORT" --bind 127.0.0.1 --directory web >var/web.log 2>&1 &
  pids+=($!)
fi

until curl -sf "http://localhost:$RASA_PORT/" >/dev/null; do sleep 1; done
cat <<MSG

  The assistant is ready.
    Talk to it over REST:  curl -s localhost:$RASA_PORT/webhooks/rest/webhook \\
                             -d '{"sender": "me", "message": "what is bone marrow edema?"}'
    Demo page with the chat widget:  http://localhost:$WEB_PORT/
  Press Ctrl-C to stop.

MSG
wait -n

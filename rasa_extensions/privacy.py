"""Keep what people write out of the Rasa server's logs at the default log level.

At the default level (INFO) Rasa 3.6 logs no message text on the normal path, but it does on
a few side paths, all reachable by typing a message that starts with "/" (the prefix button
payloads use, e.g. "/ask_bme_definition"):

- structlog events that carry the text in a field (`message.parsing.failed` has
  `user_text`; Rasa's REST channel logs `text` when processing fails);
- Python warnings "Failed to parse arguments in line '<the message>'".

`install()` (run by `rasa_extensions.install()`) redacts those structlog fields for
every level above debug and silences that warning. `LOG_LEVEL=DEBUG` still logs message text
all over Rasa: use it only with test conversations.

Conversation ids are credentials too (the widget's id reads its conversation back), and Rasa
logs them at WARNING when its circuit breaker trips (SECURITY-REVIEW F12). Every id a channel
accepts has a known shape ("web-<uuid>", "telegram:<id>", ...), so a filter on the log handlers
and the structlog processor replace each with a stable pseudonym ("id#3f9a..."), at every level.
"""

import logging
import warnings
from typing import Any, Dict

import structlog

from assistant.security import pseudonym, redact_ids

REDACTED = "<redacted>"
# Rasa's warning for a "/intent{...}" message it cannot parse quotes the message.
PARSE_WARNING = r"Failed to parse arguments in line"
# The fields Rasa itself lists as carrying user content (rasa.utils.log_utils._anonymizer).
SENSITIVE_FIELDS = frozenset(
    {
        "text",
        "response_text",
        "user_text",
        "slot_values",
        "parse_data_text",
        "parse_data_entities",
        "prediction_events",
        "tracker_latest_message",
        "prefilled_slots",
        "message",
        "response",
        "slot_candidates",
        "rasa_event",
        "rasa_events",
        "tracker_states",
        "current_states",
        "old_states",
        "successes",
        "current_entity",
        "next_entity",
        "states",
        "entity",
        "token_text",
        "user_message",
        "json_message",
    }
)


ID_FIELDS = frozenset({"sender_id", "conversation_id", "recipient_id", "session_id"})


def redact_sensitive_fields(_logger: Any, method_name: str, event_dict: Dict[str, Any]) -> Dict[str, Any]:
    """structlog processor: replace fields that may hold what a person wrote, and ids."""
    if method_name != "debug":
        for key in SENSITIVE_FIELDS.intersection(event_dict):
            event_dict[key] = REDACTED
    for key in ID_FIELDS.intersection(event_dict):
        if isinstance(event_dict[key], str):
            event_dict[key] = pseudonym(event_dict[key])
    if isinstance(event_dict.get("event"), str):
        event_dict["event"] = redact_ids(event_dict["event"])
    return event_dict


class IdRedactingFilter(logging.Filter):
    """Replaces conversation ids in a log record's message with their pseudonyms."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logging's to report, not ours
            return True
        redacted = redact_ids(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


ID_FILTER = IdRedactingFilter()


def filter_root_handlers() -> None:
    for handler in logging.getLogger().handlers:
        if ID_FILTER not in handler.filters:
            handler.addFilter(ID_FILTER)


def install() -> None:
    """Idempotent; run in the Rasa server process after Rasa configured structlog."""
    # Rasa configures structlog once at start-up, and its loggers keep a reference to this very
    # list (cache_logger_on_first_use), so it is changed in place rather than reconfigured.
    processors = structlog.get_config()["processors"]
    if redact_sensitive_fields not in processors:
        processors.insert(0, redact_sensitive_fields)
    warnings.filterwarnings("ignore", message=PARSE_WARNING)
    filter_root_handlers()


def uninstall() -> None:
    """Unit tests only: take the processor out again (the warning filter stays)."""
    processors = structlog.get_config()["processors"]
    while redact_sensitive_fields in processors:
        processors.remove(redact_sensitive_fields)
    for handler in logging.getLogger().handlers:
        handler.removeFilter(ID_FILTER)

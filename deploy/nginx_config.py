#!/usr/bin/env python3
"""Render deploy/nginx/as-assistant.conf.template into an nginx site file.

    python3 deploy/nginx_config.py > /etc/nginx/sites-available/as-assistant

Every value comes from the environment (names below), with a default for a Debian host where
the Rasa server listens on 127.0.0.1:5005. The messaging channels whose variables are set
(TELEGRAM_ACCESS_TOKEN, SLACK_TOKEN, FACEBOOK_VERIFY) get their webhook route; no other route
of the Rasa server is forwarded. tests/security/ renders it the same way.
"""

import os
import sys
from pathlib import Path
from typing import Dict, Mapping, Optional

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx" / "as-assistant.conf.template"

DEFAULTS = {
    "SERVER_NAME": "assistant.example.org",
    "HTTP_PORT": "80",
    "HTTPS_PORT": "443",
    "RASA_UPSTREAM": "127.0.0.1:5005",
    "TLS_CERTIFICATE": "/etc/ssl/certs/as-assistant.crt",
    "TLS_CERTIFICATE_KEY": "/etc/ssl/private/as-assistant.key",
    "WEB_ROOT": str(HERE.parent / "web"),
    "ACCESS_LOG": "/var/log/nginx/as-assistant.access.log",
    "PROXY_PARAMS": str(HERE / "nginx" / "proxy_params.conf"),
    "RATE_PER_SECOND": "2",
    "RATE_BURST": "20",
}

# channel -> (the variable that switches it on, its webhook paths)
CHANNELS = {
    "telegram": ("TELEGRAM_ACCESS_TOKEN", "webhook"),
    "slack": ("SLACK_TOKEN", "webhook"),
    "facebook": ("FACEBOOK_VERIFY", "webhook"),
}


def channel_locations(environ: Mapping[str, str]) -> str:
    blocks = []
    for name, (variable, path) in CHANNELS.items():
        if environ.get(variable):
            blocks.append(
                f"    location = /webhooks/{name}/{path} {{\n"
                f"        limit_req zone=as_assistant_chat burst={{{{RATE_BURST}}}} nodelay;\n"
                f"        include {{{{PROXY_PARAMS}}}};\n    }}\n"
            )
    return "".join(blocks)


def render(environ: Optional[Mapping[str, str]] = None, prefix: str = "NGINX_") -> str:
    """The site file; each value from NGINX_<NAME> in `environ` (os.environ), else its default."""
    environ = os.environ if environ is None else environ
    values: Dict[str, str] = {k: environ.get(prefix + k, v) for k, v in DEFAULTS.items()}
    text = TEMPLATE.read_text().replace("{{CHANNEL_LOCATIONS}}", channel_locations(environ))
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    if "{{" in text:
        raise ValueError(f"unfilled placeholder in {TEMPLATE}")
    return text


if __name__ == "__main__":
    sys.stdout.write(render())

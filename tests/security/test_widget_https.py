"""The widget in Debian's Chromium through the proxy over HTTPS (self-signed certificate): it
works under the proxy's CSP, keeps its id out of URLs and localStorage (F4, F6), erases a
conversation on request (F9), and the demo page talks to no other host (F5)."""

from pathlib import Path

import pytest
import requests

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

RECORD = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective));
"""


@pytest.fixture
def page(browser, proxy):
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1100, "height": 760})
    context.set_default_timeout(60_000)
    context.add_init_script(RECORD)
    p = context.new_page()
    p.requests = []  # every URL the page asked for
    p.on("request", lambda request: p.requests.append(request.url))
    p.console_errors = []
    p.on("console", lambda message: message.type == "error" and p.console_errors.append(message.text))
    try:
        yield p
    finally:
        context.close()


def ask(page, text):
    before = page.locator(".asa-msg-bot .asa-text").count()
    page.get_by_label("Type your question").fill(text)
    page.get_by_role("button", name="Send message").click()
    expect(page.locator(".asa-msg-bot .asa-text")).not_to_have_count(before)
    expect(page.locator("[data-role=typing]")).to_have_count(0)


def widget_keys(page, area):
    return page.evaluate(f"Object.keys({area}).filter(k => k.startsWith('as-assistant:'))")


def test_the_widget_works_over_https_under_the_csp_and_keeps_its_id_to_itself(page, proxy):
    page.goto(proxy.url + "/")
    page.locator(".asa-bubble").click()
    ask(page, "what is bone marrow edema?")
    expect(page.locator(".asa-msg-bot .asa-text").last).to_contain_text("Source:")
    assert page.evaluate("window.__csp") == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
    sender = page.evaluate("sessionStorage.getItem('as-assistant:sender')")
    assert sender and sender.startswith("web-")
    assert widget_keys(page, "localStorage") == []  # nothing outlives the tab (F6)
    page.reload()  # the history comes back, by POST
    expect(page.locator(".asa-msg-user .asa-text")).to_have_text(["what is bone marrow edema?"])
    assert not [url for url in page.requests if sender in url]  # never in a URL (F4)
    assert all(url.startswith(proxy.url) for url in page.requests)


def test_delete_my_conversation_erases_it_on_the_server(page, proxy):
    page.goto(proxy.url + "/")
    page.locator(".asa-bubble").click()
    ask(page, "what is a flare?")
    sender = page.evaluate("sessionStorage.getItem('as-assistant:sender')")
    history = requests.post(
        proxy.url + "/webhooks/rest/history", json={"sender": sender}, verify=str(proxy.ca), timeout=30
    ).json()["messages"]
    assert history
    page.get_by_role("button", name="Delete my conversation").click()
    expect(page.get_by_text("Your conversation was deleted")).to_be_visible()
    expect(page.locator(".asa-msg-user .asa-text")).to_have_count(0)
    assert page.evaluate("sessionStorage.getItem('as-assistant:sender')") != sender
    erased = requests.post(
        proxy.url + "/webhooks/rest/history", json={"sender": sender}, verify=str(proxy.ca), timeout=30
    ).json()
    assert erased == {"messages": []}


@pytest.mark.parametrize(
    "server", ["https://evil.example", "http://127.0.0.1.evil.example:5005", "http://localhost@evil.example"]
)
def test_the_demo_page_talks_to_no_other_host(page, proxy, server):
    page.goto(f"{proxy.url}/?server={server}")
    assert page.evaluate("window.ASAssistantConfig.serverUrl") == proxy.url
    page.locator(".asa-bubble").click()
    ask(page, "hello")
    assert all(url.startswith(proxy.url + "/") for url in page.requests)


def test_no_key_material_is_committed():
    import subprocess

    root = Path(__file__).resolve().parents[2]
    files = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    tracked = [f for f in files if Path(f).suffix in {".key", ".pem", ".crt", ".p12", ".pfx"}]
    assert tracked == [], tracked

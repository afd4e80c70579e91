"""The website widget in Debian's Chromium, against the real action server and Rasa server.

Each test gets a fresh browser profile (so a new sender id) and opens web/index.html with
?server= pointing at the test Rasa server, which allows only the test page's origin (CORS).
"""

import json
import os
import re
import shutil

import requests
from playwright.sync_api import expect

from assistant.knowledge import knowledge_base
from devtools.servers import ROOT, free_port
from tests.conftest import feedback_records

TITLE = "AS information assistant"
ERROR_TEXT = (
    "Sorry, I can't reach the assistant right now. Please try again in a moment. "
    "In an emergency, call your local emergency number."
)
XSS = "<img src=x onerror=alert(1)>"
# The picture of the widget mid-conversation: written under results/ on every run; README's
# docs/widget.png is replaced only on request (UPDATE_SCREENSHOT=1 make test-browser).
SCREENSHOT = ROOT / "results" / "widget.png"
README_SCREENSHOT = ROOT / "docs" / "widget.png"
REPLY_TIMEOUT = 60_000
HISTORY = re.compile(r"/webhooks/rest/history$")
WEBHOOK = re.compile(r"/webhooks/rest/webhook$")


# ------------------------------------------------------------------ helpers


def panel(page):
    return page.get_by_role("dialog", name=TITLE)


def open_widget(page):
    page.locator(".asa-bubble").click()
    expect(panel(page)).to_be_visible()


def user_texts(page):
    return page.locator(".asa-msg-user .asa-text")


def bot_texts(page):
    return page.locator(".asa-msg-bot .asa-text")


def wait_for_reply(page):
    expect(page.locator("[data-role=typing]")).to_have_count(0, timeout=REPLY_TIMEOUT)


def ask(page, text):
    page.get_by_label("Type your question").fill(text)
    page.get_by_role("button", name="Send message").click()
    wait_for_reply(page)


def all_bot_text(page):
    return "\n".join(bot_texts(page).all_text_contents())


def no_img_in_widget(page):
    return page.locator("#as-assistant img").count() == 0


def images_have_failed(page):
    """Returns once an image with the XSS's src, asked for now, has failed to load: an <img>
    the widget had let in would have failed, and run its onerror (a dialog), by then."""
    page.evaluate("""() => new Promise(done => {
        const probe = new Image();
        probe.onerror = probe.onload = done;
        probe.src = 'x';
    })""")


# ------------------------------------------------------------------ opening, notice, a11y


def test_bubble_opens_dialog_with_notice_and_accessible_parts(page, demo_url):
    page.goto(demo_url)
    bubble = page.get_by_role("button", name=f"Open {TITLE}")
    expect(bubble).to_be_visible()
    expect(panel(page)).to_be_hidden()
    bubble.click()
    dialog = panel(page)
    expect(dialog).to_be_visible()
    notice = dialog.locator("[data-role=notice]")
    expect(notice).to_contain_text("not medical advice")
    expect(notice).to_contain_text("In an emergency, call your local emergency number")
    log = dialog.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(dialog.get_by_label("Type your question")).to_be_focused()
    expect(dialog.get_by_role("button", name="Send message")).to_be_visible()
    expect(dialog.get_by_role("button", name="Close chat")).to_be_visible()


def test_question_gets_answer_with_source_and_referral(page, demo_url, dialogs):
    page.goto(demo_url)
    open_widget(page)
    ask(page, "what is bone marrow edema?")
    expect(user_texts(page)).to_have_text(["what is bone marrow edema?"])
    text = all_bot_text(page)
    assert "not medical advice" in text  # the session notice comes first
    assert "Source:" in text
    assert "rheumatologist" in text
    # Paragraphs survive: newlines are in the DOM text and shown by white-space: pre-wrap.
    answer = bot_texts(page).filter(has_text="Source:").first
    assert "\n\n" in answer.text_content()
    assert answer.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    assert dialogs.seen == []


def test_quick_reply_sends_payload_shows_title_and_screenshot(page, demo_url):
    page.goto(demo_url)
    open_widget(page)
    ask(page, "hi")
    topic = page.locator(".asa-quick", has_text="Bone marrow edema")
    expect(topic).to_be_visible()
    assert topic.evaluate("e => e.tagName") == "BUTTON"
    topic.click()
    wait_for_reply(page)
    # The title is shown as the user's message, not the payload.
    expect(user_texts(page)).to_have_text(["hi", "Bone marrow edema"])
    expect(bot_texts(page).last).to_contain_text("rheumatologist")
    assert "Source:" in all_bot_text(page)
    # Old quick replies go away once one is used.
    expect(page.locator(".asa-quick", has_text="Kinds of pain in AS")).to_have_count(0)
    # The picture for the README: the widget mid-conversation on the demo clinic page.
    page.get_by_label("Type your question").blur()
    # The demo note shows the server address; show the `make run` one, not a random test port.
    page.evaluate("document.getElementById('server-url').textContent = 'http://localhost:5005'")
    page.mouse.move(0, 0)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(SCREENSHOT, README_SCREENSHOT)


def test_reload_restores_history_from_the_server(page, demo_url):
    page.goto(demo_url)
    open_widget(page)
    ask(page, "what is bone marrow edema?")
    ask(page, "hello")
    expect(page.locator(".asa-quick")).to_have_count(4)
    before_users = user_texts(page).all_text_contents()
    before_bots = bot_texts(page).all_text_contents()
    sender = page.evaluate("sessionStorage.getItem('as-assistant:sender')")
    # Make sure the history really comes from the server, not the local copy.
    page.evaluate("sessionStorage.removeItem('as-assistant:history')")
    with page.expect_response(HISTORY) as history:
        page.reload()
    assert history.value.ok
    expect(panel(page)).to_be_visible()  # it stays open across the reload
    expect(user_texts(page)).to_have_text(before_users)
    expect(bot_texts(page)).to_have_text(before_bots)
    assert page.evaluate("sessionStorage.getItem('as-assistant:sender')") == sender
    # The last message's quick replies are back and still work.
    expect(page.locator(".asa-quick")).to_have_count(4)
    page.locator(".asa-quick", has_text="Bone health").click()
    wait_for_reply(page)
    expect(user_texts(page).last).to_have_text("Bone health")
    # After another reload, the payload the button sent is shown as the button's title.
    page.reload()
    expect(user_texts(page).last).to_have_text("Bone health")


def test_start_over_begins_a_new_conversation_and_erases_the_old_one(page, demo_url, servers):

    page.goto(demo_url)
    open_widget(page)
    ask(page, "what is bone marrow edema?")
    old_sender = page.evaluate("sessionStorage.getItem('as-assistant:sender')")

    page.get_by_role("button", name="Start over").click()
    expect(user_texts(page)).to_have_count(0)
    expect(bot_texts(page)).to_have_count(0)
    assert page.evaluate("sessionStorage.getItem('as-assistant:sender')") != old_sender
    expect(page.get_by_label("Type your question")).to_be_focused()

    ask(page, "what are biologics?")
    assert "not medical advice" in all_bot_text(page)  # a new conversation: the notice again
    expect(user_texts(page)).to_have_text(["what are biologics?"])
    page.reload()
    expect(user_texts(page)).to_have_text(["what are biologics?"])
    # The old conversation is erased from the clinic's record, not only from this browser.
    old = servers.api_get(f"/conversations/{old_sender}/tracker").json()
    assert not [e for e in old["events"] if e["event"] == "user"]


def test_history_falls_back_to_the_local_copy_when_the_server_fails(page, demo_url):
    page.goto(demo_url)
    open_widget(page)
    ask(page, "what are biologics?")
    before = bot_texts(page).all_text_contents()
    page.route(HISTORY, lambda route: route.abort())
    page.reload()
    expect(user_texts(page)).to_have_text(["what are biologics?"])
    expect(bot_texts(page)).to_have_text(before)
    # The local copy does not outlive the server's retention (30 days by default).
    page.evaluate("""() => {
        const saved = JSON.parse(sessionStorage.getItem('as-assistant:history'));
        saved.savedAt -= 31 * 24 * 3600 * 1000;
        sessionStorage.setItem('as-assistant:history', JSON.stringify(saved));
    }""")
    page.reload()
    expect(panel(page)).to_be_visible()
    expect(page.locator("[data-role=typing]")).to_have_count(0)
    expect(user_texts(page)).to_have_count(0)


def test_a_conversation_the_server_forgot_is_forgotten_in_the_browser_too(page, demo_url):
    page.goto(demo_url)
    open_widget(page)
    ask(page, "what are biologics?")
    # As after scripts/purge_conversations.py: the server has no messages for this conversation.
    page.route(
        HISTORY,
        lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps({"messages": []})),
    )
    page.reload()
    expect(panel(page)).to_be_visible()
    expect(page.locator("[data-role=typing]")).to_have_count(0)
    expect(user_texts(page)).to_have_count(0)
    assert "biologics" not in page.evaluate("sessionStorage.getItem('as-assistant:history')")


# ------------------------------------------------------------------ safety of rendering


def test_html_typed_by_the_user_is_shown_as_characters(page, demo_url, dialogs):
    page.goto(demo_url)
    open_widget(page)
    ask(page, XSS)
    expect(user_texts(page)).to_have_text([XSS])
    assert no_img_in_widget(page)
    images_have_failed(page)
    assert dialogs.seen == []
    # And after a reload, from the server, still as characters.
    page.reload()
    expect(user_texts(page)).to_have_text([XSS])
    assert no_img_in_widget(page)
    assert dialogs.seen == []


def test_bot_text_is_text_only_and_only_http_links_are_made(page, demo_url, dialogs):
    bot_text = (
        "Read more at https://www.niams.nih.gov/health-topics/ankylosing-spondylitis.\n\n"
        f"{XSS} javascript:alert(2) (see http://example.org/a_(b))\n\nSource: test"
    )

    def fake_webhook(route):
        route.fulfill(
            status=200,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": "*"},
            body=json.dumps(
                [{"recipient_id": "x", "text": bot_text, "buttons": [{"title": "<b>bold</b>", "payload": "/greet"}]}]
            ),
        )

    page.route(WEBHOOK, fake_webhook)
    page.goto(demo_url)
    open_widget(page)
    ask(page, "links please")
    message = bot_texts(page).last
    expect(message).to_have_text(bot_text)
    links = message.locator("a")
    expect(links).to_have_count(2)
    first, second = links.nth(0), links.nth(1)
    expect(first).to_have_attribute("href", "https://www.niams.nih.gov/health-topics/ankylosing-spondylitis")
    expect(first).to_have_text("https://www.niams.nih.gov/health-topics/ankylosing-spondylitis")
    expect(second).to_have_attribute("href", "http://example.org/a_(b)")
    for link in (first, second):
        expect(link).to_have_attribute("rel", "noopener noreferrer")
        expect(link).to_have_attribute("target", "_blank")
    assert no_img_in_widget(page)
    assert page.locator("#as-assistant b").count() == 0
    expect(page.locator(".asa-quick")).to_have_text(["<b>bold</b>"])
    images_have_failed(page)
    assert dialogs.seen == []


def test_linkify_only_links_http_and_https(page, demo_url):
    page.goto(demo_url)
    page.wait_for_function("window.ASAssistant && window.ASAssistant.linkifyParts")
    parts = page.evaluate(
        "t => window.ASAssistant.linkifyParts(t)",
        "See https://a.example/x?y=1, or http://b.example. Not javascript:alert(1), "
        "not ftp://c.example, not data:text/html,<b>",
    )
    links = [p["value"] for p in parts if p["type"] == "link"]
    assert links == ["https://a.example/x?y=1", "http://b.example"]
    assert "".join(p["value"] for p in parts).startswith("See https://a.example/x?y=1, or http://b.example. Not")
    # Rendered: real <a> elements with safe attributes, and text nodes for everything else.
    html = page.evaluate(
        """t => {
        const p = document.createElement('p');
        window.ASAssistant.renderRichText(p, t);
        return [p.querySelectorAll('a').length, p.querySelector('a').rel, p.querySelector('a').target,
                p.querySelectorAll('img').length];
    }""",
        "Go to https://ok.example <img src=x onerror=alert(1)>",
    )
    assert html == [1, "noopener noreferrer", "_blank", 0]


def test_config_from_data_attributes(page, page_origin, servers, web_root):
    """The alternative embed: data- attributes on the one script tag, no config object."""
    html = (
        f'<!doctype html><html lang="en"><head><title>Embed</title></head><body><p>Clinic</p>'
        f'<script src="/widget.js" defer data-server-url="{servers.url}" data-title="Clinic helper"'
        f' data-primary-color="#aa3300" data-position="left"></script></body></html>'
    )
    (web_root / "embed.html").write_text(html)
    page.goto(f"{page_origin}/embed.html")
    bubble = page.get_by_role("button", name="Open Clinic helper")
    assert bubble.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(170, 51, 0)"
    assert bubble.bounding_box()["x"] < 100  # on the left
    bubble.click()
    expect(page.get_by_role("dialog", name="Clinic helper")).to_be_visible()
    ask(page, "what is bone marrow edema?")
    assert "Source:" in all_bot_text(page)


# ------------------------------------------------------------------ waiting and failures


def test_typing_indicator_shows_while_waiting(page, demo_url):
    held = []
    page.route(WEBHOOK, lambda route: held.append(route))
    page.goto(demo_url)
    open_widget(page)
    page.get_by_label("Type your question").fill("what is AS?")
    with page.expect_request(WEBHOOK):
        page.get_by_role("button", name="Send message").click()
    typing = page.locator("[data-role=typing]")
    expect(typing).to_be_visible()  # Playwright hands over the held route with the request, before this
    expect(typing).to_contain_text("typing")
    assert len(held) == 1
    held[0].fulfill(
        status=200, content_type="application/json", body=json.dumps([{"recipient_id": "x", "text": "An answer."}])
    )
    expect(typing).to_have_count(0)
    expect(bot_texts(page).last).to_have_text("An answer.")
    assert len(held) == 1  # one request for one message


def test_unreachable_server_shows_message_and_keeps_typed_text(page, page_origin):
    closed = f"http://127.0.0.1:{free_port()}"
    page.goto(f"{page_origin}/index.html?server={closed}")
    open_widget(page)
    ask(page, "is my back pain inflammatory?")
    expect(user_texts(page)).to_have_text(["is my back pain inflammatory?"])
    expect(page.locator(".asa-msg-error .asa-text")).to_have_text([ERROR_TEXT])
    expect(page.get_by_label("Type your question")).to_be_focused()
    # The typed text survives a reload (kept in the local copy: the server is unreachable too).
    page.reload()
    expect(user_texts(page)).to_have_text(["is my back pain inflammatory?"])


def test_server_error_shows_message(page, demo_url):
    page.route(WEBHOOK, lambda route: route.fulfill(status=500, body="Internal Server Error"))
    page.goto(demo_url)
    open_widget(page)
    ask(page, "what is BME?")
    expect(user_texts(page)).to_have_text(["what is BME?"])
    expect(page.locator(".asa-msg-error .asa-text")).to_have_text(ERROR_TEXT)


def test_other_origins_are_refused_by_cors(page, web_port, servers):
    """Rasa allows only the configured page origin, not "*": a page elsewhere can't use it."""
    page.goto(f"http://localhost:{web_port}/index.html?server={servers.url}")
    open_widget(page)
    ask(page, "hello")
    expect(page.locator(".asa-msg-error .asa-text")).to_have_text(ERROR_TEXT)


# ------------------------------------------------------------------ keyboard, layout, copy, limits


def test_keyboard_open_focus_and_escape(page, demo_url):
    page.goto(demo_url)
    page.wait_for_selector(".asa-bubble")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('asa-bubble')"):
            break
    bubble = page.locator(".asa-bubble")
    expect(bubble).to_be_focused()
    assert bubble.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"  # visible focus
    page.keyboard.press("Enter")
    expect(panel(page)).to_be_visible()
    expect(page.get_by_label("Type your question")).to_be_focused()
    expect(bubble).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(panel(page)).to_be_hidden()
    expect(bubble).to_be_focused()
    expect(bubble).to_have_attribute("aria-expanded", "false")
    # Space opens it too (a real <button>), and the close button works from the keyboard.
    page.keyboard.press(" ")
    expect(panel(page)).to_be_visible()
    page.get_by_role("button", name="Close chat").focus()
    page.keyboard.press("Enter")
    expect(panel(page)).to_be_hidden()
    expect(bubble).to_be_focused()


def test_phone_viewport_panel_fills_the_screen(browser, demo_url, tmp_path):
    ctx = browser.new_context(viewport={"width": 375, "height": 700})
    try:
        page = ctx.new_page()
        page.goto(demo_url)
        open_widget(page)
        box = panel(page).bounding_box()
        assert box == {"x": 0, "y": 0, "width": 375, "height": 700}
        ask(page, "what is bone marrow edema?")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
        page.screenshot(path=str(tmp_path / "phone.png"))
        # The close button stays reachable.
        page.get_by_role("button", name="Close chat").click()
        expect(panel(page)).to_be_hidden()
    finally:
        ctx.close()


def test_copy_button_copies_a_bot_message(page, demo_url):
    page.goto(demo_url)
    open_widget(page)
    ask(page, "what is bone marrow edema?")
    answer = bot_texts(page).filter(has_text="Source:").first
    copy = answer.locator("xpath=..").get_by_role("button", name="Copy this message")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == answer.text_content()


def test_copy_falls_back_without_the_clipboard_api(page, demo_url):
    page.add_init_script(
        "Object.defineProperty(navigator, 'clipboard', {value: undefined});"
        "document.execCommand = (c) => { window.__copied = c; return true; };"
    )
    page.goto(demo_url)
    open_widget(page)
    ask(page, "hello")
    copy = page.get_by_role("button", name="Copy this message").last
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("window.__copied") == "copy"


def test_message_length_is_limited_to_2000_characters(page, demo_url):
    page.goto(demo_url)
    open_widget(page)
    box = page.get_by_label("Type your question")
    counter = page.locator(".asa-counter")
    send = page.get_by_role("button", name="Send message")
    box.fill("a" * 2000)
    expect(counter).to_contain_text("2000 / 2000")
    expect(send).to_be_enabled()
    box.fill("a" * 2001)
    expect(counter).to_contain_text("2001 / 2000")
    expect(counter).to_have_class(re.compile("asa-over"))
    expect(page.get_by_role("status").filter(has_text="too long")).to_contain_text("shorten it to 2000 characters")
    expect(send).to_be_disabled()
    box.press("Enter")
    expect(user_texts(page)).to_have_count(0)
    assert box.input_value() == "a" * 2001  # nothing the user typed is thrown away


# ------------------------------------------------------------------ was this helpful?, print, the clinic


def answer_with(page, text):
    """The message (bubble, actions, thumbs) whose text contains `text`."""
    return page.locator(".asa-msg-bot").filter(has=page.locator(".asa-text", has_text=text))


def test_voting_shows_a_thank_you_and_is_stored_against_the_answer_it_rates(page, demo_url, servers):
    kb = knowledge_base()
    page.goto(demo_url)
    open_widget(page)
    ask(page, "what is bone marrow edema?")
    ask(page, "what are biologics?")
    first = answer_with(page, kb.topics["ask_bme_definition"].answer)
    thumbs_up = first.get_by_role("button", name="Yes, this was helpful")
    expect(thumbs_up.locator("svg[data-icon=thumb-up]")).to_have_count(1)
    expect(page.locator(".asa-thumb")).to_have_count(4)  # on both answers, the old one too
    expect(page.locator(".asa-quick", has_text="Helpful")).to_have_count(0)  # thumbs, not quick replies
    thumbs_up.click()
    expect(first.get_by_role("status")).to_have_text(kb.frame["feedback_thanks"])
    expect(thumbs_up).to_have_attribute("aria-pressed", "true")
    expect(thumbs_up).to_be_focused()
    sender = page.evaluate("sessionStorage.getItem('as-assistant:sender')")
    assert feedback_records(servers, sender) == [{"topic": "ask_bme_definition", "helpful": True}]
    # One vote per answer: the other thumb is aria-disabled (Playwright would not click it).
    sent = []
    page.on("request", lambda request: sent.append(request.url) if WEBHOOK.search(request.url) else None)
    first.get_by_role("button", name="No, this was not helpful").evaluate("e => e.click()")
    # The vote is no message of its own, and it survives a reload (the server's history).
    expect(user_texts(page)).to_have_text(["what is bone marrow edema?", "what are biologics?"])
    page.evaluate("sessionStorage.removeItem('as-assistant:history')")
    with page.expect_response(HISTORY):
        page.reload()
    # A request the click had made would have been reported before the reload's response.
    assert sent == []
    assert len(feedback_records(servers, sender)) == 1
    first = answer_with(page, kb.topics["ask_bme_definition"].answer)
    expect(first.get_by_role("button", name="Yes, this was helpful")).to_have_attribute("aria-pressed", "true")
    expect(first.get_by_role("status")).to_have_text("Thank you for your feedback.")
    second = answer_with(page, kb.topics["ask_biologics"].answer)
    expect(second.get_by_role("button", name="Yes, this was helpful")).to_have_attribute("aria-pressed", "false")
    assert kb.frame["feedback_thanks"] not in all_bot_text(page)


def test_thumbs_down_asks_once_what_was_missing(page, demo_url, servers):
    kb = knowledge_base()
    page.goto(demo_url)
    open_widget(page)
    ask(page, "what is a flare?")
    answer = answer_with(page, kb.topics["ask_flare"].answer)
    answer.get_by_role("button", name="No, this was not helpful").click()
    box = page.get_by_label("What was missing? (optional)")
    expect(box).to_be_focused()
    box.fill("what to do at night")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(answer.get_by_role("status")).to_have_text(kb.frame["feedback_comment_thanks"])
    expect(box).to_have_count(0)
    sender = page.evaluate("sessionStorage.getItem('as-assistant:sender')")
    assert feedback_records(servers, sender) == [
        {"topic": "ask_flare", "helpful": False},
        {"topic": "ask_flare", "comment": "what to do at night"},
    ]
    # The conversation goes on as before, and nobody is asked again.
    ask(page, "and how long do they last?")
    expect(page.get_by_label("What was missing? (optional)")).to_have_count(0)
    expect(user_texts(page)).to_have_text(["what is a flare?", "and how long do they last?"])


def test_print_shows_only_the_message_on_one_page(page, demo_url):
    kb = knowledge_base()
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
    page.goto(demo_url)
    open_widget(page)
    ask(page, "what is bone marrow edema?")
    ask(page, "make a summary for my appointment")
    summary = answer_with(page, kb.frame["summary_title"])
    expect(summary.locator(".asa-text")).to_contain_text("This is general information, not medical advice")
    summary.get_by_role("button", name="Print this message").click()
    assert page.evaluate("window.__printed") == 1
    sheet = page.locator("#asa-print-sheet")
    expect(sheet.locator(".asa-print-text")).to_have_text(summary.locator(".asa-text").text_content())
    # On screen nothing changes; in print only the sheet shows: no widget, no page around it.
    assert sheet.evaluate("e => getComputedStyle(e).display") == "none"
    page.emulate_media(media="print")
    assert sheet.evaluate("e => getComputedStyle(e).display") == "block"
    for hidden in ("#as-assistant", "header", "main"):
        assert page.locator(hidden).first.evaluate("e => getComputedStyle(e).display") == "none", hidden
    pdf = page.pdf(format="A4")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1  # one page
    page.emulate_media(media="screen")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    expect(sheet).to_have_count(0)
    assert "asa-printing" not in page.evaluate("document.documentElement.className")


def test_asking_for_a_person_in_the_widget(page, demo_url):
    kb = knowledge_base()
    page.goto(demo_url)
    open_widget(page)
    ask(page, "can I speak to a real person?")
    expect(bot_texts(page).last).to_contain_text(kb.frame["contact_unconfigured"])
    expect(page.locator(".asa-thumb")).to_have_count(0)  # not an educational answer


def test_history_after_a_reload_also_with_an_api_token(page, demo_url, servers):
    """With RASA_API_TOKEN the HTTP API refuses the page; the channel's history still works."""
    assert servers.env["RASA_API_TOKEN"]  # the test servers' API always has a token
    page.goto(demo_url)
    open_widget(page)
    ask(page, "what are biologics?")
    before = bot_texts(page).all_text_contents()
    page.evaluate("sessionStorage.removeItem('as-assistant:history')")
    with page.expect_response(HISTORY) as history:
        page.reload()
    assert history.value.ok
    expect(user_texts(page)).to_have_text(["what are biologics?"])
    expect(bot_texts(page)).to_have_text(before)


# ------------------------------------------------------------------ the server going away (last: it restarts Rasa)


def test_rasa_stopping_mid_conversation_shows_message_then_recovers(page, demo_url, servers):
    page.goto(demo_url)
    open_widget(page)
    ask(page, "what is bone marrow edema?")
    servers.stop_rasa()
    try:
        ask(page, "how is it treated?")
        expect(user_texts(page)).to_have_text(["what is bone marrow edema?", "how is it treated?"])
        expect(page.locator(".asa-msg-error .asa-text")).to_have_text(ERROR_TEXT)
    finally:
        servers.start_rasa()
    ask(page, "what are biologics?")
    expect(bot_texts(page).last).to_contain_text("rheumatologist")


# ------------------------------------------------------------------ where the conversation is kept


def test_by_default_nothing_is_kept_across_visits(page, demo_url):
    page.goto(demo_url)
    # What an older version of the widget left in localStorage is deleted on the next visit.
    page.evaluate("localStorage.setItem('as-assistant:history', JSON.stringify({savedAt: Date.now(), messages: []}))")
    page.reload()
    open_widget(page)
    ask(page, "what are biologics?")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('as-assistant:'))") == []
    assert page.evaluate("sessionStorage.getItem('as-assistant:sender')").startswith("web-")


def test_a_remembered_conversation_expires_and_is_then_deleted(page, page_origin, servers, web_root):
    html = (
        f'<!doctype html><html lang="en"><head><title>Remember</title></head><body><p>Clinic</p>'
        f'<script src="/widget.js" defer data-server-url="{servers.url}" data-remember-conversation="true"'
        f' data-remember-days="1"></script></body></html>'
    )
    (web_root / "remember.html").write_text(html)
    page.goto(f"{page_origin}/remember.html")
    open_widget(page)
    ask(page, "what are biologics?")
    sender = page.evaluate("localStorage.getItem('as-assistant:sender')")
    assert sender and "biologics" in page.evaluate("localStorage.getItem('as-assistant:history')")
    page.reload()  # within the day: the same conversation, read back from the server
    expect(user_texts(page)).to_have_text(["what are biologics?"])
    expect(page.locator("[data-role=typing]")).to_have_count(0)  # done writing to storage
    assert page.evaluate("localStorage.getItem('as-assistant:sender')") == sender
    # Two days unused: every key is deleted, not just ignored.
    page.evaluate("localStorage.setItem('as-assistant:used', String(Date.now() - 2 * 24 * 3600 * 1000))")
    with page.expect_response(re.compile(r"/webhooks/rest/forget$")) as forgot:
        page.reload()
    assert forgot.value.ok  # and the server forgets it too
    assert requests.post(f"{servers.url}/webhooks/rest/history", json={"sender": sender}, timeout=30).json() == {
        "messages": []
    }
    assert page.evaluate("localStorage.getItem('as-assistant:sender')") != sender
    assert page.evaluate("localStorage.getItem('as-assistant:history')") is None
    open_widget(page)
    expect(user_texts(page)).to_have_count(0)

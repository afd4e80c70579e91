"""A carer all the way through: welcomed, answered about the person they care for, and answered
about themselves when they ask about themselves."""

from assistant.knowledge import knowledge_base


def test_a_carer_is_welcomed_then_answered_about_their_dad_then_about_themselves(servers, new_sender):
    kb = knowledge_base()
    sender = new_sender()
    messages = servers.say(sender, "I look after my dad who has AS")
    welcome = "\n".join(m.get("text", "") for m in messages)
    # The greeting's main topics, as buttons.
    assert [b["payload"] for b in messages[-1]["buttons"]] == [
        "/ask_bme_definition",
        "/ask_pain_types",
        "/ask_osteoporosis_risk",
        "/ask_treatment_options",
    ]
    assert kb.frame["caregiver_welcome"].format(person="your dad").split(" I can")[0] in welcome
    assert kb.topics["ask_as_cause"].answer not in welcome

    about_dad = servers.text(sender, "what are the treatment options?")
    assert kb.frame["caregiver_intro"].format(person="your dad") in about_dad
    assert about_dad.rstrip().endswith(kb.frame["referral_caregiver"].rstrip())

    about_me = servers.text(sender, "what about my own risk of osteoporosis? I'm 58")
    assert kb.frame["caregiver_intro"].split("{")[0] not in about_me
    assert about_me.rstrip().endswith(kb.frame["referral"].rstrip())

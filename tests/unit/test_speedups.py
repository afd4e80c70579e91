"""The action-reply check keeps Rasa's verdicts while compiling the schema only once."""
import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from channels import speedups


def test_valid_and_invalid_replies_are_judged_as_rasa_judges_them():
    speedups.install()
    action = RemoteAction("action_answer", None)
    assert action._validate_action_result({"events": [], "responses": [{"text": "hi"}]})
    with pytest.raises(jsonschema.ValidationError):
        action._validate_action_result({"events": "not a list"})

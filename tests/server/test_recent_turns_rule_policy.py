"""The served policy reads only the last turns, and predicts exactly what Rasa's RulePolicy does.

Both policies get the trained model's rules; they are asked about every step of the
conversation tests (tests/conversations) and of one long conversation made of all of them in
a row, where RulePolicy reads the whole history and ours the last few turns.
"""

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from components.recent_turns_rule_policy import RecentTurnsRulePolicy, longest_rule, recent_states
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def policies(model, tmp_path_factory):
    storage, metadata = LocalModelStorage.from_model_archive(tmp_path_factory.mktemp("model"), model)
    node = next(n for n in metadata.predict_schema.nodes.values() if n.uses is RecentTurnsRulePolicy)
    context = ExecutionContext(metadata.predict_schema, metadata.model_id)
    config = {**RulePolicy.get_default_config(), **node.config}
    ours = RecentTurnsRulePolicy.load(dict(config), storage, node.resource, context)
    plain = RulePolicy(dict(config), storage, node.resource, context, lookup=ours.lookup)
    return ours, plain, metadata.domain


@pytest.fixture(scope="module")
def conversations(policies):
    _, _, domain = policies
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "domain.yml"), training_data_paths=[str(ROOT / "tests/conversations")]
    )
    generator = TrainingDataGenerator(
        importer.get_stories(), domain, use_story_concatenation=False, augmentation_factor=0
    )
    trackers = generator.generate_story_trackers()
    assert len(trackers) >= 20
    # Every conversation test in a row: one conversation far longer than any rule.
    events = [e for t in trackers for e in t.events if isinstance(e, (UserUttered, ActionExecuted))]
    trackers.append(DialogueStateTracker.from_events("long", events, domain.slots))
    return trackers


def steps(tracker):
    """The tracker as it was before each action, as the policy saw it then."""
    events = list(tracker.events)
    for i, event in enumerate(events):
        if isinstance(event, ActionExecuted) and i:
            yield DialogueStateTracker.from_events(tracker.sender_id, events[:i], tracker.slots.values())


def test_it_reads_only_as_many_turns_as_the_longest_rule(policies):
    ours, _, _ = policies
    assert 2 <= longest_rule(ours.lookup) <= 6


def test_the_last_states_are_the_same_as_from_the_whole_history(policies, conversations):
    _, _, domain = policies
    long = conversations[-1]
    full = long.past_states(domain)
    assert len(full) > 100
    for count in (1, 2, 3, 5, len(full), len(full) + 3):
        assert recent_states(long, domain, count) == full[-count:]


def test_it_predicts_what_rasas_rule_policy_predicts_at_every_step(policies, conversations):
    ours, plain, domain = policies
    compared = 0
    for conversation in conversations:
        for tracker in steps(conversation):
            expected = plain.predict_action_probabilities(tracker, domain)
            got = ours.predict_action_probabilities(tracker, domain)
            assert got.probabilities == expected.probabilities, tracker.sender_id
            assert got.events == expected.events and got.hide_rule_turn == expected.hide_rule_turn
            compared += 1
    assert compared > 200

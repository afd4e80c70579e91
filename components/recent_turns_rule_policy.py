"""Rasa's RulePolicy, reading only as much of the conversation as its longest rule.

A rule is checked against the last states of the conversation, as many as the rule has
(`RulePolicy._is_rule_applicable` passes every state further back). Rasa's RulePolicy still
builds the state of every turn since the conversation began, twice per prediction: with a
100-message conversation that was about a quarter of the Rasa server's CPU (py-spy, 2026-12-03),
and each reply got slower the longer a person talked. This policy builds the states of the last
N turns only, N being the longest rule, so it predicts exactly what RulePolicy predicts
(tests/server/test_recent_turns_rule_policy.py compares the two) at a cost that does not grow
with the conversation's length, apart from replaying its events.

Training is RulePolicy's own: until the rules are learnt, the whole history is read.
"""

import warnings
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

# Rasa's recipe validator looks for RulePolicy by its exact class and warns that "restart" and
# "back" will not work without it; they are RulePolicy's own code, which this policy inherits
# (tests/server/test_rest_conversation.py). Its check of the config against the domain is
# also skipped for a subclass, so `train` runs it.
warnings.filterwarnings("ignore", message="'RulePolicy' is not included in the model's policy configuration")


def recent_states(
    tracker: DialogueStateTracker, domain: Domain, count: int, omit_unset_slots: bool = False
) -> List[State]:
    """The last `count` states of `tracker.past_states(domain)`, building only those.

    Rasa takes a state before every action and one at the end, each from the tracker replayed
    up to that point; the events before the first state wanted are replayed without building
    theirs (replaying is cheap, building a state is not)."""
    events = tracker.applied_events()
    actions = [i for i, event in enumerate(events) if isinstance(event, ActionExecuted)]
    first = len(actions) + 1 - count  # the first state wanted, counting the final one
    cut = 0 if first <= 0 else actions[first] if first < len(actions) else len(events)
    replay = tracker.init_copy()
    for event in events[:cut]:
        replay.update(event)
    states = []
    for event in events[cut:]:
        if isinstance(event, ActionExecuted):
            states.append(_state(domain, replay, omit_unset_slots))
        replay.update(event)
    states.append(_state(domain, replay, omit_unset_slots))
    return states


def _state(domain: Domain, tracker: DialogueStateTracker, omit_unset_slots: bool) -> State:
    # What Domain.states_for_tracker_history builds per turn when rule-only turns are kept
    # (RulePolicy keeps them: it reads ML and rule data).
    return domain._clean_state(domain.get_active_state(tracker, omit_unset_slots=omit_unset_slots))


class _RecentHistory:
    """A tracker whose `past_states` are the last `count` only; everything else is the tracker's."""

    def __init__(self, tracker: DialogueStateTracker, count: int) -> None:
        self._tracker, self._count = tracker, count

    def past_states(
        self,
        domain: Domain,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: Optional[Dict[Text, Any]] = None,
    ) -> List[State]:
        if ignore_rule_only_turns:  # an ML policy's view, which RulePolicy never asks for
            return self._tracker.past_states(domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        return recent_states(self._tracker, domain, self._count, omit_unset_slots)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)


def longest_rule(lookup: Dict[Text, Any]) -> int:
    """How many states the longest learnt rule checks (0 before training)."""
    keys = [key for table in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH) for key in lookup.get(table, {})]
    return max((len(RulePolicy._rule_key_to_state(key)) for key in keys), default=0)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class RecentTurnsRulePolicy(RulePolicy):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # How many last states a prediction reads: known once the rules are (0: all of them).
        self._window = longest_rule(self.lookup)

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        self.raise_if_incompatible_with_domain(self.config, domain)
        # While training (its contradiction checks predict too), the whole history, as Rasa's.
        self._window = 0
        resource = super().train(training_trackers, domain, **kwargs)
        self._window = longest_rule(self.lookup)
        return resource

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: Optional[Dict[Text, Any]] = None,
    ) -> List[State]:
        if self._window:
            tracker = _RecentHistory(tracker, self._window)
        return super()._prediction_states(tracker, domain, use_text_for_last_user_input, rule_only_data)

"""Brand names, generics and misspellings map to the generic name; ordinary words never do."""

import pytest

from assistant.medications import MedicationFinder


@pytest.fixture(scope="module")
def finder(kb):
    return MedicationFinder(kb)


@pytest.mark.parametrize(
    "text, generic",
    [
        ("what is Humira", "adalimumab"),
        ("my son is on humera", "adalimumab"),
        ("tell me about Enbrel", "etanercept"),
        ("is enbral a biologic", "etanercept"),
        ("cosentix side effects", "secukinumab"),
        ("Cosentyx", "secukinumab"),
        ("I take ibuprofin for my back", "ibuprofen"),
        ("Advil", "ibuprofen"),
        ("nurofen every morning", "ibuprofen"),
        ("aleve", "naproxen"),
        ("Naprosyn", "naproxen"),
        ("voltarol gel", "diclofenac"),
        ("celebrex and kidneys", "celecoxib"),
        ("arcoxia", "etoricoxib"),
        ("indomethacin", "indomethacin"),
        ("sulfasalazin", "sulfasalazine"),
        ("methotrexat tablets", "methotrexate"),
        ("Arava", "leflunomide"),
        ("remicade infusion", "infliximab"),
        ("inflectra", "infliximab"),
        ("benepali", "etanercept"),
        ("amgevita", "adalimumab"),
        ("Imraldi", "adalimumab"),
        ("cimzia", "certolizumab"),
        ("simponi aria", "golimumab"),
        ("taltz", "ixekizumab"),
        ("bimzelx", "bimekizumab"),
        ("Xeljanz", "tofacitinib"),
        ("rinvoq", "upadacitinib"),
        ("prednisone", "prednisone"),
        ("prednisolone", "prednisone"),
    ],
)
def test_names_and_misspellings_map_to_the_generic(finder, text, generic):
    assert finder.first_medication(text) == generic


@pytest.mark.parametrize(
    "text",
    [
        "human",
        "alive",
        "enable",
        "I feel alive today",
        "hello there",
        "my motion is limited",
        "advice please",
        "I am a human being",
        "it will enable me to walk",
        "the humidity hurts",
        "invoke",
        "simple question",
        "cortex",
        "a remedy",
        "I need a break",
        "taken",
    ],
)
def test_ordinary_words_are_not_medicines(finder, text):
    assert [m for m in finder.find(text) if m.entity == "medication"] == []


@pytest.mark.parametrize(
    "text, drug_class",
    [
        ("are TNF blockers safe", "tnf_blocker"),
        ("what are biologics", "biologic"),
        ("do anti-inflammatories hurt the stomach", "nsaid"),
        ("jak inhibitors", "jak_inhibitor"),
        ("NSAIDs", "nsaid"),
    ],
)
def test_class_words(finder, text, drug_class):
    assert [m.value for m in finder.find(text) if m.entity == "drug_class"] == [drug_class]


def test_offsets_point_at_the_mention(finder):
    text = "my wife takes Humira and naproxen"
    found = finder.find(text)
    assert [(m.value, text[m.start : m.end]) for m in found] == [("adalimumab", "Humira"), ("naproxen", "naproxen")]


def test_every_catalog_name_maps_to_its_own_medicine(finder, kb):
    """An exact name always wins over a typo match of another medicine's name."""
    wrong = []
    for medicine in kb.medications.values():
        for name in medicine.names:
            for text in (name, f"what is {name}", f"tell me about {name} please"):
                found = [m.value for m in finder.find(text) if m.entity == "medication"]
                if found != [medicine.generic]:
                    wrong.append((text, found, medicine.generic))
    assert not wrong


@pytest.mark.parametrize(
    "text, generic",
    [
        ("what is bimekizumab", "bimekizumab"),
        ("what is ixekizumab", "ixekizumab"),
        ("what is bimekizumb", "bimekizumab"),  # a typo still finds the nearest name
    ],
)
def test_exact_name_beats_a_near_name(finder, text, generic):
    assert finder.first_medication(text) == generic


@pytest.mark.parametrize(
    "text, read",
    [
        (
            "Pharmac is moving me from Humira to Amgevita",
            "Pharmac is moving me from adalimumab (TNF blocker) to adalimumab (TNF blocker)",
        ),
        ("side efects of naproxin?", "side efects of naproxen (non-steroidal anti-inflammatory (NSAID))?"),
        ("are biologics safe", "are biologics safe"),  # class words stay as typed
        ("my back hurts", "my back hurts"),
    ],
)
def test_the_topic_classifier_reads_each_medicine_as_its_generic_name_and_class(finder, text, read):
    assert finder.with_catalog_names(text) == read

"""One definition of the `[n]` marker, and the two ways an answer is split into sentences."""

from assistant import ground, guard
from assistant.evaluate import evaluation
from assistant.markers import answer_sentences, marker_numbers, split_claims
from assistant.schema import Answer


def test_callers_share_one_definition():
    assert evaluation.answer_sentences is answer_sentences
    assert guard.split_claims is split_claims
    assert ground.marker_numbers is marker_numbers


def test_a_marker_has_one_to_four_digits():
    assert marker_numbers("a [1] b [9999] c [10000] d [] e [x]") == [1, 9999]


def test_only_drafts_may_group_markers():
    # A finished answer carries one number per bracket; a grouped one is text, not a citation.
    assert marker_numbers("Two sources [1, 3].") == []
    assert answer_sentences("Two sources [1, 3].") == [("Two sources [1, 3].", [])]
    assert split_claims("Two sources [1, 3]. 二つ[2、4]。") == [
        ("Two sources.", [1, 3]),
        ("二つ。", [2, 4]),
    ]


def test_answer_sentences_end_at_markers_not_at_full_stops():
    quoted = "The Act was passed. It took effect in June. [1] 法律は施行された。[2]"
    assert answer_sentences(quoted) == [
        ("The Act was passed. It took effect in June.", [1]),
        ("法律は施行された。", [2]),
    ]
    assert [c for c, _ in split_claims(quoted)] == [
        "The Act was passed.",
        "It took effect in June.",
        "法律は施行された。",
    ]


def test_the_citation_check_reads_markers_with_the_shared_definition():
    answer = Answer("q", "Quoted [1]. Grouped [2, 3]. Long [12345].", False)
    bad = ground.invalid_citations(answer, lambda doc_id: "")
    assert [c.marker for c in bad] == [1]

import pytest

from assistant.followup import standalone, subject_of


@pytest.mark.parametrize(
    ("question", "previous", "expected"),
    [
        (
            "When was it established?",
            ["What is the AI Safety Institute?"],
            "When was the AI Safety Institute established?",
        ),
        (
            "Who chairs it?",
            ["What did the LDP Project Team on AI Evolution and Implementation do?"],
            "Who chairs the LDP Project Team on AI Evolution and Implementation?",
        ),
        (
            "それはいつ発足しましたか？",
            ["AIセーフティ・インスティテュートとは何ですか？"],
            "AIセーフティ・インスティテュートはいつ発足しましたか？",
        ),
        (
            "And the date?",
            ["When did the AI System Study Group first meet?"],
            "And the date? (AI System Study Group)",
        ),
    ],
)
def test_follow_ups_become_standalone(question, previous, expected):
    assert standalone(question, previous) == expected


@pytest.mark.parametrize(
    "question",
    ["What did Japan decide about DeepSeek?", "What is the capital of France?"],
)
def test_standalone_questions_are_left_alone(question):
    assert standalone(question, ["What is the AI Safety Institute?"]) == question


def test_no_history_no_change():
    assert standalone("When was it established?", []) == "When was it established?"


def test_subject_prefers_the_longest_name():
    assert subject_of(
        "Tell me about the “Hiroshima AI Process Comprehensive Policy Framework”"
    ) == ("Hiroshima AI Process Comprehensive Policy Framework")

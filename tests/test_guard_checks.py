"""The guard's checks beyond word overlap: negation and opposite words, a swapped subject, a
subject that points back, and a sentence cut off before its claim. Each is shown on several
wordings, both ways, and switched off, on the real corpus passages and the real embedding
model."""

from pathlib import Path

import pytest

from assistant.claims import lead_in, names, points_back, subject_stated, unfinished
from assistant.guard import Guard
from assistant.polarity import contradiction, polarity

DEEPSEEK = "Japan has no specific restrictions on DeepSeek’s use by private entities"
CHAIR = "The AI PT is chaired by Masaaki Taira"


@pytest.mark.parametrize(
    "claim",
    [
        "Japan restricts private companies from using DeepSeek.",
        "DeepSeek's use by private entities is restricted in Japan.",
        "Japan imposes specific restrictions on DeepSeek's use.",
        "Private entities are prohibited from using DeepSeek in Japan.",
    ],
)
def test_a_claim_the_source_negates_is_opposed(claim):
    unit = "The report's content largely remained unchanged, and " + DEEPSEEK + "."
    assert contradiction(polarity(claim), polarity(unit))


@pytest.mark.parametrize(
    "claim",
    [
        "Japan does not restrict DeepSeek's use by private entities.",
        "DeepSeek's use by private entities is not restricted in Japan.",
        DEEPSEEK + ".",
        "Private companies in Japan can use DeepSeek without specific restrictions.",
    ],
)
def test_a_negation_said_another_way_agrees(claim):
    assert contradiction(polarity(claim), polarity(DEEPSEEK + ".")) is None


@pytest.mark.parametrize(
    ("claim", "unit", "opposed"),
    [
        ("The guidelines are mandatory.", "The guidelines are voluntary.", True),
        ("Compliance with the guidelines is compulsory.", "The guidelines are voluntary.", True),
        ("The guidelines are not voluntary.", "Following the guidelines is mandatory.", False),
        ("The guidelines are non-binding.", "The guidelines are binding on ministries.", True),
        ("The law permits the use of the data.", "The law prohibits the use of the data.", True),
        ("報告は事業者の取組を義務とした。", "報告は事業者の取組を任意とした。", True),
        ("罰則が設けられている。", "罰則は設けられていない。", True),
        ("罰則を設けた。", "罰則は設けられていない。", True),
        ("罰則を設けていません。", "罰則は設けられていない。", False),
        ("罰則を設けず、指導で対応する。", "罰則は設けられていない。", False),
        ("報告しなければならない。", "事業者は報告するものとする。", False),
        (
            "The President repealed the AI executive order.",
            "The U.S. did not pass AI legislation, and the President repealed the AI "
            "executive order.",
            False,
        ),
    ],
)
def test_negation_and_opposite_words_in_both_languages(claim, unit, opposed):
    assert (contradiction(polarity(claim), polarity(unit)) is not None) is opposed


@pytest.mark.parametrize(
    ("claim", "stated"),
    [
        ("This institute is chaired by Masaaki Taira.", False),
        ("The AI Safety Institute is chaired by Masaaki Taira.", False),
        ("The Cabinet Office is chaired by Masaaki Taira, the minister.", False),
        ("The AI PT is chaired by Masaaki Taira.", True),
        ("The AI PT's chair is Masaaki Taira.", True),
        ("The AI PT is chaired by Masaaki Taira, the new minister.", True),
        # a qualifier the unit itself does not state is not taken on trust
        ("The LDP's AI PT is chaired by Masaaki Taira.", False),
        ("Masaaki Taira chairs the AI PT.", True),
    ],
)
def test_the_subject_of_a_shared_relation_must_be_the_sources(claim, stated):
    assert subject_stated(claim, CHAIR + ", the new Minister for Digital Transformation.") is stated


@pytest.mark.parametrize(
    ("claim", "stated"),
    [
        ("The AI Safety Institute is chaired by Masaaki Taira.", False),
        ("The IPA is chaired by Masaaki Taira.", False),
        ("The Cabinet Office is chaired by Masaaki Taira, the minister.", False),
        ("The LDP's AI PT is chaired by Masaaki Taira.", False),
        # a subject in common words, or one that points back, is left to the other checks
        ("The project team is chaired by Masaaki Taira.", True),
        ("This institute is chaired by Masaaki Taira.", True),
        ("The team on AI is chaired by Masaaki Taira.", True),
        ("The AI PT's chair is Masaaki Taira.", True),
        ("Masaaki Taira chairs the AI PT.", True),
    ],
)
def test_the_names_in_the_subject_of_a_shared_relation_must_be_the_sources(claim, stated):
    unit = CHAIR + ", the new Minister for Digital Transformation."
    assert subject_stated(claim, unit, names_only=True) is stated


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The AI PT met in Tokyo.", {"ai", "pt", "tokyo"}),
        ("DeepSeek is not restricted.", {"deepseek"}),
        ("Japan joined the G7 process.", {"g7"}),
        ("Companies must report.", set()),
    ],
)
def test_names_are_capitalised_words_past_the_opening_or_acronyms(text, found):
    assert names(text) == found


@pytest.mark.parametrize(
    ("sentence", "stop"),
    [
        ("The fund set up by the ministry to support start-ups is.", "is"),
        ("The strategy was adopted by the.", "the"),
        ("Its main purpose is to promote and.", "and"),
        ("Personal data must be complied with.", None),
        ("事業者が講ずべき措置は。", "は"),
        ("政府が公表した指針を。", "を"),
        ("The strategy was adopted in 2022.", None),
        ("政府は指針を公表しました。", None),
        ("その目的は何か", None),
    ],
)
def test_a_sentence_cut_off_before_its_claim(sentence, stop):
    assert unfinished(sentence) == stop


@pytest.mark.parametrize(
    ("sentence", "pointer"),
    [
        ("This body is responsible for evaluation methods.", "this"),
        ("These include promoting transparency.", "these"),
        ("It was set up in February 2024.", "it"),
        ("Its members include the ministries.", "its"),
        ("“Such measures are voluntary.”", "such"),
        ("この組織は評価手法を開発する。", "この"),
        ("これらの原則は三つの理念に基づく。", "これ"),
        ("同機関は二〇二四年に設立された。", "同"),
        ("当該事業者は報告しなければならない。", "当該"),
        # an "it" that stands for nothing, and sentences that name their own subject
        ("It is important to note that the guidelines are voluntary.", None),
        ("It seems the bill was delayed.", None),
        ("The institute was set up in February 2024.", None),
        ("その後、政府は指針を公表した。", None),
        ("同様に、事業者は報告する。", None),
        ("政府はこの指針を公表した。", None),
    ],
)
def test_a_subject_that_points_back(sentence, pointer):
    assert points_back(sentence) == pointer


def test_lead_ins_end_in_a_colon():
    assert lead_in("The conditions are:") and lead_in("次の条件を定めた：")
    assert lead_in("The Hiroshima AI Process Comprehensive Policy Framework:.")
    assert not lead_in("The conditions are set out in Article 3.")


@pytest.fixture(scope="module")
def passages(corpus_bot):
    question = "Does Japan restrict DeepSeek, and who chairs the AI PT?"
    found = corpus_bot.retriever.retrieve(question, 8).passages
    assert any("DeepSeek’s use" in p.chunk.text for p in found)
    assert any("Masaaki Taira" in p.chunk.text for p in found)
    return found


def make_guard(corpus_bot, checks_off=()):
    from assistant.claims import GUARD_CHECKS

    return Guard(
        lambda texts: corpus_bot.index.embedder.encode(texts, query=True),
        corpus_bot.answerer.unit_vectors,
        min_overlap=0.85,
        min_similarity=0.86,
        checks=frozenset(GUARD_CHECKS) - set(checks_off),  # every check, subject included
    )


def marker(passages, needle):
    return next(i for i, p in enumerate(passages, 1) if needle in p.chunk.text)


@pytest.mark.parametrize(
    ("check", "draft"),
    [
        (
            "polarity",
            "Japan has specific restrictions on DeepSeek’s use by private entities [{d}].",
        ),
        (
            "subject",
            "This institute is chaired by Masaaki Taira, the new Minister for Digital "
            "Transformation in the Ishiba administration [{c}].",
        ),
        (
            "name",
            "The IPA is chaired by Masaaki Taira, the new Minister for Digital Transformation "
            "in the Ishiba administration [{c}].",
        ),
        (
            "name",
            "The Digital Agency is chaired by Masaaki Taira, the new Minister for Digital "
            "Transformation in the Ishiba administration [{c}].",
        ),
        ("unfinished", "The AI PT is chaired by Masaaki Taira and the [{c}]."),
        ("unfinished", "The AI PT is chaired by Masaaki Taira, the new Minister: [{c}]"),
    ],
)
def test_each_check_drops_what_it_should_and_switched_off_does_not(
    corpus_bot, passages, check, draft
):
    text = draft.format(d=marker(passages, "DeepSeek’s use"), c=marker(passages, "Masaaki"))
    on = make_guard(corpus_bot).check(text, passages)
    # `subject` asks for all that `name` asks for: off, `name` goes with it
    also = ["subject"] if check == "name" else []
    off = make_guard(corpus_bot, checks_off=[check, *also]).check(text, passages)
    assert on.abstained, on.answer
    assert not off.abstained, [r.reason for r in off.removed]
    said = {"polarity": "says otherwise", "unfinished": "sentence"}
    said |= {"subject": "another subject", "name": "another subject"}
    assert any(said[check] in r.reason for r in on.removed), [r.reason for r in on.removed]


def test_faithful_sentences_pass_every_check(corpus_bot, passages):
    d, c = marker(passages, "DeepSeek’s use"), marker(passages, "Masaaki")
    draft = (
        f"The AI PT is chaired by Masaaki Taira [{c}]. Japan has no specific restrictions on "
        f"DeepSeek’s use by private entities [{d}]."
    )
    guarded = make_guard(corpus_bot).check(draft, passages)
    assert len(guarded.citations) == 2, [r.reason for r in guarded.removed]


def test_a_lead_in_stays_with_what_it_introduces(corpus_bot, passages):
    c = marker(passages, "Masaaki")
    guard = make_guard(corpus_bot)
    kept = guard.check(f"The AI PT is chaired by: [{c}] Masaaki Taira [{c}].", passages)
    assert "chaired by" in kept.answer and "Masaaki Taira" in kept.answer
    alone = guard.check(f"Masaaki Taira chairs the AI PT [{c}]. The AI PT is chaired by:", passages)
    assert "chaired by:" not in alone.answer
    assert any("lead-in" in r.reason for r in alone.removed)


def test_the_checks_are_chosen_by_name_in_settings():
    from assistant.errors import InputError
    from assistant.settings import Settings

    assert Settings().guard_checks == {"unfinished", "polarity", "antecedent", "name", "hedge"}
    assert Settings(guard_checks="subject, polarity").guard_checks == {"subject", "polarity"}
    assert Settings(guard_checks="none").guard_checks == frozenset()
    with pytest.raises(InputError, match="unknown guard check negation"):
        Settings().with_overrides(guard_checks="negation")


LAWS = Path(__file__).resolve().parents[2] / "shared" / "laws"


def _statute_sentences(name):
    from assistant.laws import load_egov_xml
    from assistant.text import sentences

    path = LAWS / name
    if not path.is_file():
        pytest.skip(f"{path} is not on this machine")
    text = load_egov_xml(path.read_bytes(), name).text
    return [text[a:b].strip() for a, b in sentences(text) if b - a > 20]


@pytest.mark.parametrize(
    ("name", "duty", "flipped", "same"),
    [
        ("appi.en.jlt.xml", " must ", " must not ", " is required to "),
        ("appi.ja.egov.xml", "しなければならない", "してはならない", "するものとする"),
    ],
)
def test_a_duty_turned_into_a_prohibition_is_seen_across_the_statute(name, duty, flipped, same):
    """Every sentence of APPI that states a duty, its duty turned into a prohibition and said
    another way: the prohibition is a contradiction in at least nine of ten, the rewording in
    none (measured: 162 of 172 English, 99 of 104 Japanese)."""
    duties = [s for s in _statute_sentences(name) if duty in s and flipped not in s]
    assert len(duties) > 50
    seen = [contradiction(polarity(s), polarity(s.replace(duty, flipped, 1))) for s in duties]
    kept = [contradiction(polarity(s), polarity(s.replace(duty, same, 1))) for s in duties]
    assert sum(x is not None for x in seen) >= 0.9 * len(duties)
    assert all(x is None for x in kept)


def test_statute_sentences_are_finished():
    for name in ("appi.en.jlt.xml", "appi.ja.egov.xml"):
        found = [s for s in _statute_sentences(name) if unfinished(s)]
        assert len(found) <= 2, found  # table cells and list items ("…; and"), no more


@pytest.mark.parametrize(
    "pointing",
    [
        "This body is chaired by Masaaki Taira, the new Minister for Digital Transformation",
        "It is chaired by Masaaki Taira, the new Minister for Digital Transformation",
        "This team is chaired by Masaaki Taira, the new Minister for Digital Transformation",
        "Its chair is Masaaki Taira, the new Minister for Digital Transformation",
    ],
)
def test_a_subject_that_points_back_is_held_to_the_sources_before_it(
    corpus_bot, passages, pointing
):
    """After a sentence about the AI PT the pointing sentence is true and kept; after a
    sentence about DeepSeek it says the chair of something else and is dropped, unless the
    check is switched off (the source's words are the same either way)."""
    d, c = marker(passages, "DeepSeek’s use"), marker(passages, "Masaaki")
    guard = make_guard(corpus_bot, checks_off=["subject"])
    team = "The LDP has established a dedicated Project Team on AI Evolution and Implementation"
    right = guard.check(f"{team} [{c}]. {pointing} [{c}].", passages)
    assert pointing in right.answer, [r.reason for r in right.removed]
    deepseek = "Japan has no specific restrictions on DeepSeek’s use by private entities"
    for markers in (f"[{c}]", ""):  # cited to the true source, or left for the guard to cite
        wrong = guard.check(f"{deepseek} [{d}]. {pointing} {markers}.", passages)
        assert deepseek in wrong.answer and pointing not in wrong.answer, wrong.answer
        off = make_guard(corpus_bot, checks_off=["subject", "antecedent"])
        assert pointing in off.check(f"{deepseek} [{d}]. {pointing} {markers}.", passages).answer
    dropped = guard.check(f"The AI PT was founded in 1990 [{c}]. {pointing} [{c}].", passages)
    assert dropped.abstained
    assert any("points to a sentence that was dropped" in r.reason for r in dropped.removed)


def _documents(*names):
    from assistant.chunking import chunk_document
    from assistant.corpus import read_paths
    from assistant.schema import Passage

    paths = [Path(__file__).resolve().parents[1] / "corpus"] + [LAWS / n for n in names]
    if not all(p.exists() for p in paths):
        pytest.skip("the statutes are not on this machine")
    for document in read_paths(paths, max_bytes=50_000_000):
        yield [Passage(c, document.title, 0.0) for c in chunk_document(document)]


def test_pointing_sentences_of_real_documents(corpus_bot):
    """Every sentence of the corpus and of APPI (both languages) whose subject points back:
    quoted after the sentence its source puts before it, it is kept; after a sentence of
    another passage of the same document, it is dropped, unless it opens its passage pointing
    at the document itself (a statute's この法律, this Act), which names the same thing after
    any sentence of that statute. Measured: 8 of 8 kept and 8 of 8 dropped; of 24 sentences
    opening their passage (22 in APPI), 22 kept, as many as with the check off."""
    from assistant.chunking import evidence_units

    guard, off = (
        make_guard(corpus_bot, ["subject"]),
        make_guard(corpus_bot, ["subject", "antecedent"]),
    )
    kept = dropped = opening = opening_off = cases = openings = 0
    for passages in _documents("appi.en.jlt.xml", "appi.ja.egov.xml"):
        units = {p.chunk.chunk_id: evidence_units(p.chunk) for p in passages}
        plain = [(p, u) for p in passages for u in units[p.chunk.chunk_id][:1]]
        # a whole sentence that names its own subject (a heading or a list item ending in no
        # full stop would run on into the next sentence)
        plain = [
            (p, u) for p, u in plain if not points_back(u.text) and u.text.rstrip()[-1] in ".。"
        ]
        for n, p in enumerate(passages):
            mine = units[p.chunk.chunk_id]
            other, before = plain[(n * 7919) % len(plain)]  # another passage, the same each run
            if other is p:
                continue
            for k, unit in enumerate(mine):
                if not points_back(unit.text) or (k and points_back(mine[k - 1].text)):
                    continue
                head = unit.text.strip()[:30]
                after = f"{before.text} [1] {unit.text} [2]"
                if k:
                    cases += 1
                    own = guard.check(f"{mine[k - 1].text} [1] {unit.text} [1]", [p])
                    kept += head in own.answer
                    dropped += head not in guard.check(after, [other, p]).answer
                else:
                    openings += 1
                    opening += head in guard.check(after, [other, p]).answer
                    opening_off += head in off.check(after, [other, p]).answer
    assert cases >= 8 and openings >= 20
    assert kept == cases and dropped == cases
    assert opening == opening_off >= 0.8 * openings


FIRST = "policy document associated with the Hiroshima AI Process was adopted in April 2024"


def test_a_swapped_name_in_real_documents():
    """Every sentence of the corpus and of the English APPI and AI Promotion Act that opens
    with a name ("The Personal Information Protection Commission may…"): as written it passes
    the `name` check against its own unit; with that name swapped for another name of the same
    document, sharing none of its words, it is caught unless the unit's own context names it.
    Measured: 20 of 20 kept, 19 of 20 caught (the one missed swaps in a body the sentence
    before names)."""
    import re

    from assistant.chunking import evidence_units
    from assistant.text import tokens

    opening = re.compile(r"The ((?:[A-Z][\w’'-]*)(?:\s+(?:of|for|on|and)?\s*[A-Z][\w’'-]*)*)\s")
    kept = caught = cases = 0
    for passages in _documents("appi.en.jlt.xml", "ai-promotion-act.en.jlt.xml"):
        units = [u for p in passages for u in evidence_units(p.chunk)]
        found = [(u, m.group(1)) for u in units if (m := opening.match(u.text.strip()))]
        phrases = sorted({phrase for _, phrase in found})
        for n, (unit, phrase) in enumerate(found):
            others = [x for x in phrases if not set(tokens(x)) & set(tokens(unit.text))]
            if not others:
                continue
            swapped = unit.text.strip().replace(phrase, others[(n * 7919) % len(others)], 1)
            cases += 1
            kept += subject_stated(unit.text, unit.text, unit.context, names_only=True)
            caught += not subject_stated(swapped, unit.text, unit.context, names_only=True)
    assert cases >= 15
    assert kept == cases
    assert caught >= 0.9 * cases, (caught, cases)


@pytest.mark.parametrize(
    ("claim", "kept"),
    [
        (f"The second {FIRST} by all G7 countries.", False),
        (f"The third {FIRST}.", False),
        (f"Two {FIRST.replace('document', 'documents').replace('was', 'were')}.", False),
        (f"The first {FIRST} by all G7 countries.", True),
        (f"First, the {FIRST} by all G7 countries.", True),  # a step of the answer, not a count
    ],
)
def test_numbers_written_as_words_must_be_the_sources(corpus_bot, claim, kept):
    question = "When was the first Hiroshima AI Process policy document adopted?"
    passages = corpus_bot.retriever.retrieve(question, 5).passages
    guard = make_guard(corpus_bot, checks_off=["subject"])
    guarded = guard.check(f"{claim} [{marker(passages, 'The first ' + FIRST)}]", passages)
    assert guarded.abstained is not kept, [r.reason for r in guarded.removed]


FOCAL = (
    "Key focal points of the Hiroshima AI Process include promoting transparency, ensuring data "
    "privacy, preventing the misuse of AI in harmful applications, and fostering global "
    "partnerships for research and development."
)


@pytest.mark.parametrize(
    ("claim", "goes_on"),
    [
        (
            FOCAL.split(", and")[0] + ", and fostering",
            "global partnerships for research and development",
        ),
        ("The Hiroshima AI Process aims at preventing the misuse of AI", "in harmful applications"),
        ("Its focal points include promoting transparency, ensuring data", "privacy"),
        ("The focal points include promoting transparency,", "…"),
        # finished where the source's clause ends, or said in other words
        ("The Hiroshima AI Process promotes transparency.", None),
        (FOCAL, None),
        (
            "Its focal points include fostering global partnerships for research and development.",
            None,
        ),
        ("The process has several key focal points.", None),
    ],
)
def test_a_sentence_that_stops_where_its_source_goes_on(claim, goes_on):
    from assistant.claims import cut_short

    assert cut_short(claim, FOCAL) == goes_on


def test_a_sentence_cut_short_is_kept_and_marked_partial_in_every_face(corpus_bot):
    from assistant.faces.text import render
    from assistant.faces.web import render_answer
    from assistant.generate import GenerativeAnswerer

    question = "What are the key focal points of the Hiroshima AI Process?"
    passages = corpus_bot.retriever.retrieve(question, 5).passages
    n = marker(passages, "Key focal points")
    draft = (
        f"The Hiroshima AI Process was announced at the G7 Hiroshima Summit [{n}]. "
        + FOCAL.split(", and")[0]
        + f", and fostering [{n}]."
    )
    answerer = GenerativeAnswerer("test", None, make_guard(corpus_bot, checks_off=["subject"]))
    answer = answerer.finish(question, draft, passages)
    assert "and fostering. [2]" in answer.answer, answer.guard
    [partial] = answer.to_json()["guard"]["partial"]
    assert partial["goes_on"] == "global partnerships for research and development"
    assert partial["markers"] == [2] and partial["sentence"].endswith("and fostering.")
    shown = "stops short; its source goes on: “global partnerships for research and development”"
    printed = " ".join(render(answer).split())  # the terminal's lines are wrapped
    assert printed.count("in part:") == 1  # the finished first sentence is not marked
    assert "in part: “…AI in harmful applications, and fostering.” [2] " + shown in printed
    assert shown in render_answer(answer)
    whole = answerer.finish(question, FOCAL + f" [{n}]", passages)
    assert not whole.abstained and whole.to_json()["guard"]["partial"] == []
    assert "in part" not in render(whole) + render_answer(whole)


HEDGED = "The government is expected to submit the bill to the Diet next year."


@pytest.mark.parametrize(
    ("claim", "unit", "hedge"),
    [
        ("The government will submit the bill to the Diet next year.", HEDGED, "is expected to"),
        ("The government is submitting the bill to the Diet next year.", HEDGED, "is expected to"),
        ("The bill will be submitted to the Diet next year.", HEDGED, "is expected to"),
        (
            "政府は来年、法案を国会に提出した。",
            "政府は来年、法案を国会に提出する予定である。",
            "予定",
        ),
        # the hedge kept, or another one; a phrase that asserts nothing; a firm source
        ("The government plans to submit the bill to the Diet next year.", HEDGED, None),
        ("The government may submit the bill to the Diet next year.", HEDGED, None),
        ("A bill for the Diet next year.", HEDGED, None),
        (
            "政府は来年、法案を国会に提出する見込みだ。",
            "政府は来年、法案を国会に提出する予定である。",
            None,
        ),
        ("The government will submit the bill.", "The government will submit the bill.", None),
    ],
)
def test_a_sentence_that_states_as_settled_what_its_source_holds_back(claim, unit, hedge):
    from assistant.claims import hedge_dropped

    assert hedge_dropped(claim, unit) == hedge


def test_hedged_sentences_of_real_documents_made_firm():
    """Every sentence of the corpus and of the English APPI and AI Promotion Act that holds
    back (is expected to, plans to, may, could, would…): as written it is not marked; with its
    hedge made "will" ("The Commission may request…" → "will request") it is. Measured: 0 of
    123 marked as written, 120 of 123 made firm (the three missed keep another hedge)."""
    import re

    from assistant.chunking import evidence_units
    from assistant.claims import hedge_dropped

    hedge = re.compile(
        r"\b(?:(?:is|are) (?:expected|planned|likely) to|plans to|intends to|may|might|could"
        r"|would)\b"
    )
    cases = as_written = made_firm = 0
    for passages in _documents("appi.en.jlt.xml", "ai-promotion-act.en.jlt.xml"):
        for unit in (u for p in passages for u in evidence_units(p.chunk)):
            text = " ".join(unit.text.split())
            if hedge.search(text):
                cases += 1
                as_written += hedge_dropped(text, text) is not None
                made_firm += hedge_dropped(hedge.sub("will", text), text) is not None
    assert cases >= 100
    assert as_written == 0
    assert made_firm >= 0.95 * cases, (made_firm, cases)


def test_a_hedge_dropped_is_marked_in_every_face_and_switched_off_is_not(corpus_bot):
    from assistant.faces.text import render
    from assistant.faces.web import render_answer
    from assistant.generate import GenerativeAnswerer

    question = "Which legal rules is the AI System Study Group considering?"
    passages = corpus_bot.retriever.retrieve(question, 5).passages
    n = marker(passages, "is considering legal rules")
    draft = (
        "The AI System Study Group will require major domestic and international AI developers "
        f"to share risk information with the government [{n}]."
    )
    for off, marked in (([], True), (["hedge"], False)):
        guard = make_guard(corpus_bot, checks_off=["subject", *off])
        answer = GenerativeAnswerer("test", None, guard).finish(question, draft, passages)
        assert not answer.abstained, answer.guard
        partial = answer.to_json()["guard"]["partial"]
        shown = "says it more firmly than its source, which says “considering”"
        if marked:
            assert [(p["hedge"], p["goes_on"]) for p in partial] == [("considering", "")]
            assert shown in " ".join(render(answer).split()) and shown in render_answer(answer)
        else:
            assert partial == [] and "in part" not in render(answer) + render_answer(answer)

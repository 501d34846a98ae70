"""Sentence spans: found by position in the text, the same as pysbd's own span mode."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qa.corpus.sentences import _segment, _segmenter

PIECES = st.sampled_from(
    [
        "The",
        "rider",
        "won",
        "gold",
        "U.S.",
        "St.",
        "Mr.",
        "4,200",
        "3.5",
        "km.",
        "“Yes,”",
        "she",
        "said.",
        "Why?",
        "Wow!",
        "(again)",
        "e.g.",
        "Dr.",
        "No.",
        "1.",
        "...",
        "—",
        "Leitão’s",
        "again.",
        "\n",
        "  ",
        "it's",
        "'quoted'",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=40))
def test_spans_by_position_equal_pysbd_spans(pieces: list[str]) -> None:
    text = " ".join(pieces)
    ours = [(a, text[a:b].strip()) for a, b in _segment(text)]
    spans = _segmenter().segment(text) if text.strip() else []
    assert ours == [(s.start, s.sent.strip()) for s in spans]
    assert all(text[a:b] for a, b in _segment(text))


def test_a_long_block_is_split_in_pieces_quickly_and_the_same_way(monkeypatch) -> None:
    import time

    from qa.corpus import sentences

    sentence = "Rider {} of the U.S. team finished in 4.2 seconds, said Dr. Smith. "
    text = "".join(sentence.format(i) for i in range(400)).strip()
    whole = sentences._segment_piece(text)
    monkeypatch.setattr(sentences, "PIECE_CHARS", 2_000)
    pieces = sentences._segment.__wrapped__(text)
    assert pieces == whole and len(whole) == 400
    long_text = "".join(sentence.format(i) for i in range(6_000)).strip()  # 400,000 chars
    started = time.perf_counter()
    spans = sentences._segment.__wrapped__(long_text)
    assert len(spans) == 6_000 and time.perf_counter() - started < 30

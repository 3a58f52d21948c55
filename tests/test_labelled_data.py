"""The shipped labelled data: size, balance, provenance, no conflicts, no near-duplicates."""

from pathlib import Path

from stance.labels import LABELS, read_labels
from stance.sentences import split_sentences
from stance.similarity import near_duplicate_pairs

ROOT = Path(__file__).resolve().parent.parent
MIN_TOTAL, MIN_PER_LABEL = 1200, 250


def test_size_and_balance():
    data = read_labels([ROOT / "data" / "labels"])
    assert len(data.frame) >= MIN_TOTAL
    assert all(count >= MIN_PER_LABEL for count in data.counts().values()), data.counts()


def test_every_seed_sentence_is_labelled_with_its_position():
    frame = read_labels([ROOT / "data" / "labels"]).frame
    seeds = frame[frame["source"] != "authored"]
    for article in sorted((ROOT / "seeds").iterdir()):
        sentences = split_sentences(article.read_text(encoding="utf-8"))
        labelled = seeds[seeds["source"].str.startswith(article.name + "#")]
        assert len(labelled) == len(sentences)
        for sentence, (_, row) in zip(sentences, labelled.iterrows(), strict=True):
            assert row["text"] == sentence.text
    assert set(frame["label"]) == set(LABELS)


def test_no_near_duplicates_among_authored_sentences():
    frame = read_labels([ROOT / "data" / "labels"]).frame
    authored = frame[frame["source"] == "authored"].reset_index(drop=True)
    pairs = near_duplicate_pairs(authored["text"].tolist(), threshold=0.8)
    assert pairs == [], [(authored.text[i], authored.text[j], s) for i, j, s in pairs[:5]]

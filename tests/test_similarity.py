from stance.similarity import duplicate_groups, near_duplicate_pairs, normalise


def test_normalise_folds_case_and_punctuation():
    assert normalise("No to WAR!!") == normalise("no to war")


def test_near_duplicates_found_and_distinct_sentences_not():
    texts = [
        "The grain deal was a gift to our enemies and Moscow was right to tear it up.",
        "The grain deal was a gift to our enemies, and Moscow was right to bury it.",
        "Freeze the front and rebuild the army before anything else.",
    ]
    pairs = near_duplicate_pairs(texts, threshold=0.7)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
    assert 0.7 <= pairs[0][2] < 1.0


def test_groups_are_transitive():
    texts = ["a b c d e", "a b c d e f", "a b c d e f g", "x y z"]
    groups = duplicate_groups(texts, threshold=0.6)
    assert groups[0] == groups[1] == groups[2] != groups[3]


def test_empty_inputs():
    assert near_duplicate_pairs([]) == []
    assert near_duplicate_pairs(["...", "!!!"]) == []

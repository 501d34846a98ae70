"""Reading the corpus: documents, sentence spans, derived facts and the lexicon."""

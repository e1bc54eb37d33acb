"""The app's text engine: normalization and jieba segmentation (segment), the full-text index and its
queries (search), and duplicate detection (similarity); lexicon holds the word lists they share."""

"""The article's numpy code (article.py): the oracle of the tests and the benchmark's numpy baseline."""

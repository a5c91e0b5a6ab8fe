"""The benchmark's python side (article_bench.py), run as `python3 -m bench.article_bench` from the repository's root."""

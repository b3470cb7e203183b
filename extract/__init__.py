"""Zhibiao's extractor: Chinese text in, one row per numeric claim out.

    >>> from extract import extract_text
    >>> rows = extract_text("2022年全市常住人口降至2184.3万人。", "demo.txt")
"""

from .columns import COLUMNS
from .pipeline import extract_text

__all__ = ["COLUMNS", "extract_text"]

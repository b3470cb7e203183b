"""The claims table's columns, in output order (see ../shared/SPEC.md).

The first thirteen are the contract (SPEC.md); the rest are extras the dashboard uses.
"""

SPEC_COLUMNS: tuple[str, ...] = (
    "doc", "start", "end", "quote", "sentence", "value", "unit", "qualifier",
    "kind", "region", "year", "indicator", "category",
)
EXTRA_COLUMNS: tuple[str, ...] = (
    "concept",       # canonical measure the indicator belongs to (地区生产总值), "" when none fits
    "region_code",   # GB/T 2260 code of the region, "" when it has none (京津冀, a village)
    "region_level",  # country / macro_region / province / city / county / township / village / site
    "province",      # the province-level unit the region lies in, "" for 中国 and macro regions
    "parent_code",   # GB/T 2260 code of the region it lies in (a village's district), "" if none
    "confidence",    # 0..1: how sure region, year and indicator are
    "doc_date",      # ISO date of the document (given or inferred), "" when unknown
)
COLUMNS: tuple[str, ...] = SPEC_COLUMNS + EXTRA_COLUMNS

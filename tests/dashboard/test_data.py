"""Data access without Streamlit: loading, filters, conflicts, aggregates, export."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard import data
from dashboard.data import DrillTarget, Filters, Scope
from dashboard.source import session_uploads
from extract.panel import PANEL_COLUMNS


def filtered(scope: Scope, **chosen) -> pd.DataFrame:
    """The rows the given filters let through."""
    return replace(scope, filters=Filters(**chosen)).select("*")


def opened(path: Path, regions: Path | None = None) -> Scope:
    return data.with_facts(Scope(data.load_source(path, regions)))


def table_of(records: list[dict], tmp_path: Path) -> Scope:
    """A table of the given rows, written as the extractor writes a CSV and opened."""
    path = tmp_path / "claims.csv"
    data.rows_from_records(records).to_csv(path, index=False, encoding="utf-8-sig")
    return opened(path)


def test_fixture_offsets_point_at_the_quotes(claims: pd.DataFrame, fx) -> None:
    for row in claims.itertuples():
        text = data.read_text(fx.docs / str(row.doc))
        assert text[row.start:row.end] == row.quote
        assert row.quote in row.sentence


def test_load_types_and_ids(claims: pd.DataFrame) -> None:
    assert len(claims) == 23
    assert claims["year"].dtype == np.float64 and claims["start"].dtype == np.int64
    assert claims["claim_id"].is_unique
    assert claims["claim_id"].iat[0] == f"{claims['doc'].iat[0]}:{claims['start'].iat[0]}"
    assert claims.loc[claims["quote"] == "2184.3万人", "value"].item() == pytest.approx(2.1843e7)
    # The measure is the concept where there is one, else the indicator label.
    assert (claims["measure"] == claims["indicator"]).all()  # the fixture has no concepts


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl", ".duckdb"])
def test_every_output_form_opens_to_the_same_rows(suffix: str, claims, tmp_path: Path,
                                                  fx) -> None:
    raw = pd.read_csv(fx.claims, encoding="utf-8-sig", keep_default_na=False,
                      dtype={"year": "Int64"})
    path = tmp_path / f"claims{suffix}"
    if suffix == ".parquet":
        raw.to_parquet(path)
    elif suffix == ".jsonl":
        raw.to_json(path, orient="records", lines=True, force_ascii=False)
    elif suffix == ".duckdb":
        import duckdb
        with duckdb.connect(str(path)) as db:
            db.register("raw", raw)
            db.execute("CREATE TABLE claims AS SELECT doc || ':' || start AS claim_id, * "
                       "FROM raw")
    else:
        path.write_bytes(fx.claims.read_bytes())
    rows = opened(path).select("*", tail='ORDER BY doc, "start"', conflicts=True)
    pd.testing.assert_frame_equal(rows.drop(columns="conflict_id"),
                                  claims.drop(columns="conflict_id"), check_dtype=False)
    assert (rows["conflict_id"] >= 0).sum() == 2


def store_of(fx, path: Path, drop_after: str | None = None) -> Path:
    """A store written as the CLI writes one: claims, then the indicator table rebuilt.

    `drop_after` deletes that claim once the table is built, as a run killed
    before its rebuild leaves the store."""
    from extract.store import Store

    raw = pd.read_csv(fx.claims, encoding="utf-8-sig", keep_default_na=False,
                      dtype={"year": "Int64"})
    raw["concept"] = ""
    store = Store(path)
    store.add_table(raw)
    store.rebuild_indicators()
    store.close()
    if drop_after:
        import duckdb
        with duckdb.connect(str(path)) as db:
            db.execute("DELETE FROM claims WHERE claim_id = ?", [drop_after])
    return path


def test_a_store_brings_its_own_conflicts_unless_they_are_stale(fx, tmp_path: Path,
                                                              monkeypatch) -> None:
    from dashboard import source

    def no_recount(*_args, **_kwargs):
        raise AssertionError("the store's indicator table should have been used")

    fresh = store_of(fx, tmp_path / "fresh.duckdb")
    with monkeypatch.context() as patch:
        patch.setattr(source, "conflict_keys", no_recount)
        scope = opened(fresh)
    assert data.conflict_ids_in(scope, 20)[0] == 1
    assert set(data.conflict_table(scope, [0])["quote"]) == {"2184.3万人", "2225万人"}
    # One of the two claims gone after the rebuild: the stored table is stale, so the
    # conflicts are worked out again, and there are none left.
    stale = store_of(fx, tmp_path / "stale.duckdb", drop_after="fx_news.txt:70")
    assert data.conflict_ids_in(opened(stale), 20)[0] == 0


def test_missing_and_empty_tables_are_explained(tmp_path: Path, fx) -> None:
    missing = data.load_source(tmp_path / "nope.csv", fx.regions)
    assert missing.problem == "missing" and data.claim_count(Scope(missing)) == 0
    assert list(Scope(missing).select("*").columns[:13]) == list(data.COLUMNS[:13])
    empty_file = tmp_path / "empty.csv"
    empty_file.write_bytes(b"")
    assert data.load_source(empty_file, fx.regions).problem == "empty"
    header_only = tmp_path / "header.csv"
    header_only.write_text(",".join(data.COLUMNS) + "\n", encoding="utf-8-sig")
    assert data.load_source(header_only, fx.regions).problem == "empty"
    not_claims = tmp_path / "other.csv"
    not_claims.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "no doc column" in str(data.load_source(not_claims, fx.regions).problem)


def test_spec_only_table_gets_neutral_extras(tmp_path: Path, fx) -> None:
    raw = pd.read_csv(fx.claims, encoding="utf-8-sig").iloc[:, :13]
    path = tmp_path / "spec.parquet"
    raw.to_parquet(path)
    loaded = opened(path, fx.regions).select("*")
    assert len(loaded) == 23 and (loaded["confidence"] == 1.0).all()
    assert set(loaded["province"]) == {""}


def test_claims_path_from_argument_env_or_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(data.CLAIMS_ENV, raising=False)
    assert data.claims_path([]) == data.DEFAULT_CLAIMS
    monkeypatch.setenv(data.CLAIMS_ENV, "/tmp/x.csv")
    assert data.claims_path([]) == Path("/tmp/x.csv")
    assert data.claims_path(["--data", "/tmp/y.parquet"]) == Path("/tmp/y.parquet")
    assert data.claims_path(["--data=/tmp/z.csv"]) == Path("/tmp/z.csv")


def regions_of(df: pd.DataFrame) -> set[str]:
    return set(df["region"].astype(str))


def test_region_filter_includes_subregions_by_code_and_province(scope) -> None:
    tianjin = filtered(scope, regions=("天津市",))
    assert regions_of(tianjin) == {"天津市", "河北区", "滨海新区", "天津港"}
    only = filtered(scope, regions=("天津市",), include_subregions=False)
    assert regions_of(only) == {"天津市"} and len(only) == 3
    hebei = filtered(scope, regions=("河北省",))
    # 河北区 is a district of Tianjin, not part of 河北省.
    assert regions_of(hebei) == {"河北省", "张家口市"}


def test_year_range_drops_undated_rows_and_filters_combine(scope) -> None:
    years = filtered(scope, years=(2021, 2022))
    assert set(years["year"]) == {2021.0, 2022.0}
    combined = filtered(scope, regions=("北京市",), years=(2021, 2022), measures=("常住人口",),
                        kinds=("level",))
    assert sorted(combined["value"]) == [2.1843e7, 2.1886e7, 2.225e7]
    by_doc = filtered(scope, docs=("fx_jiangjin.txt",), categories=("economy",))
    assert regions_of(by_doc) == {"江津区"} and len(by_doc) == 4


def test_hide_low_confidence(scope, claims) -> None:
    sure = filtered(scope, hide_low_confidence=True)
    assert len(sure) == len(claims) - 3  # 河北省 0.5, 河北区 0.4, 江津区 0.55
    assert (sure["confidence"] >= data.LOW_CONFIDENCE).all()


def test_document_search_and_names_present(scope, claims) -> None:
    assert data.docs_matching(scope, "JIANG") == ["fx_jiangjin.txt"]
    assert len(data.docs_matching(scope, "")) == 4
    busiest = claims["doc"].value_counts().index[0]
    assert data.docs_matching(scope, "fx_", limit=1) == [busiest]  # most claims first
    assert data.docs_present(scope, ["fx_news.txt", "mine.txt"]) == {"fx_news.txt"}


def test_conflict_detection(scope) -> None:
    groups, ids = data.conflict_ids_in(scope, 20)
    assert groups == 1
    conflicts = data.conflict_table(scope, ids)
    assert sorted(conflicts["doc"]) == ["fx_beijing.txt", "fx_news.txt"]
    assert set(conflicts["quote"]) == {"2184.3万人", "2225万人"}
    # A filter on one document still shows the other document's competing value.
    one_doc = replace(scope, filters=Filters(docs=("fx_news.txt",)))
    assert set(data.conflict_table(one_doc, data.conflict_ids_in(one_doc, 20)[1])["doc"]) == {
        "fx_beijing.txt", "fx_news.txt"}


def test_one_sentences_values_never_conflict_and_concepts_compare(tmp_path: Path) -> None:
    def row(quote: str, value: float, sentence: str, indicator: str, concept: str) -> dict:
        return {"doc": "a.txt", "start": len(sentence) + int(value), "end": 0, "quote": quote,
                "sentence": sentence, "value": value, "unit": "%", "qualifier": "exact",
                "kind": "share", "region": "河北区", "region_code": "120105", "year": 2023,
                "indicator": indicator, "category": "other", "concept": concept}
    pair = "满意度由45%上升到93%。"  # a from/to pair: two ends of one change
    ratio = "三次产业结构为1.1:37.9:61.0。"
    rows = table_of([
        row("45%", 45.0, pair, "满意度", ""), row("93%", 93.0, pair, "满意度", ""),
        row("1.1", 1.1, ratio, "三次产业结构", ""), row("37.9", 37.9, ratio, "三次产业结构", ""),
        row("60%", 60.0, "城镇化率达60%。", "城镇化率", "常住人口城镇化率"),
        row("66%", 66.0, "常住人口城镇化率为66%。", "常住人口城镇化率", "常住人口城镇化率"),
    ], tmp_path).select("*", conflicts=True)
    conflicted = rows[rows["conflict_id"] >= 0]
    assert sorted(conflicted["quote"]) == ["60%", "66%"]  # two sentences, one concept
    assert set(conflicted["measure"]) == {"常住人口城镇化率"}


def test_rounding_and_target_are_not_conflicts(tmp_path: Path) -> None:
    base = {"doc": "d.txt", "region": "北京市", "indicator": "常住人口", "unit": "人",
            "year": 2022, "qualifier": "exact"}
    rows = table_of([
        {**base, "start": 1, "sentence": "a", "value": 2.1843e7, "kind": "level"},
        {**base, "start": 2, "sentence": "b", "value": 2.184e7, "kind": "level",
         "qualifier": "approx"},
        {**base, "start": 3, "sentence": "c", "value": 2.3e7, "kind": "target"},
        {**base, "start": 4, "sentence": "d", "value": 9.9e7, "kind": "level", "year": None},
    ], tmp_path).select("*", conflicts=True)
    assert len(rows) == 4 and (rows["conflict_id"] == -1).all()


def test_region_hierarchy_groups_districts_under_parents(scope) -> None:
    options = data.filter_options(scope)
    labels = options.region_labels
    assert labels["江津区"] == "重庆市 › 江津区"
    assert labels["河北区"] == "天津市 › 河北区"
    assert labels["张家口市"] == "河北省 › 张家口市"
    order = options.regions
    assert order[0] == "京津冀"
    assert order.index("天津市") < order.index("河北区") < order.index("河北省")
    assert order.index("河北省") < order.index("张家口市")
    assert options.year_range == (2016, 2026)
    assert options.n_docs == 4 and options.kinds[0] == "level"


def test_indicator_series_keeps_kinds_apart_and_flags_conflicts(scope) -> None:
    series = data.indicator_series(scope, "常住人口", "人")
    beijing_2022 = series[(series["region"] == "北京市") & (series["year"] == 2022)
                          & (series["kind"] == "level")].iloc[0]
    assert beijing_2022["conflict"]
    assert beijing_2022["value"] == 2.1843e7  # the more confident claim
    assert (beijing_2022["low"], beijing_2022["high"]) == (2.1843e7, 2.225e7)
    target = series[(series["kind"] == "target")].iloc[0]
    assert (target["region"], target["year"], target["conflict"]) == ("北京市", 2025, False)
    # 江津区's undated 常住人口 cannot sit on a year axis.
    assert "江津区" not in set(series["region"])


def test_a_chart_draws_one_kind_of_value(scope) -> None:
    # 地区生产总值 has levels (元) and growth rates (%): separate charts, separate units.
    facets = data.measure_facets(scope, "地区生产总值")
    assert data.kinds_for(facets) == ["level", "change"]
    assert data.units_for(facets, "level") == ["元"]
    assert data.units_for(facets, "change") == ["%"]
    levels = data.indicator_series(scope, "地区生产总值", "元", "level")
    assert set(levels["kind"]) == {"level", "target", "forecast"}
    rates = data.indicator_series(scope, "地区生产总值", "%", "change")
    assert set(rates["kind"]) == {"change"}
    assert data.years_for(facets, "%", "change") == sorted(set(rates["year"]), reverse=True)


def test_regions_in_year_and_profile(scope) -> None:
    bars = data.regions_in_year(data.indicator_series(scope, "地区生产总值", "元"), 2022)
    assert list(bars["region"]) == ["北京市", "天津市", "滨海新区"]
    profile = data.region_profile(scope, "江津区")
    top = profile.iloc[0][["category", "indicator", "n"]].tolist()
    assert top == ["economy", "地区生产总值", 4]
    facets = data.measure_facets(scope, "地区生产总值")
    assert data.units_for(facets) == ["元", "%"]
    assert data.best_measure(scope) == "地区生产总值"
    assert data.busiest_year(facets, "元") == 2022


def test_map_counts_by_province_and_points(scope) -> None:
    per_province, points = data.map_counts(scope)
    counts = dict(zip(per_province["province"], per_province["n"], strict=True))
    assert counts == {"北京市": 9, "天津市": 6, "重庆市": 5, "河北省": 2}
    jiangjin = points[points["region"] == "江津区"].iloc[0]
    assert (jiangjin["n"], jiangjin["lon"]) == (5, 106.26)
    assert "天津港" not in set(points["region"])  # no centroid in the region table


@pytest.mark.parametrize(("selection", "expected"), [
    ({"selection": {"points": [{"customdata": ["北京市", "常住人口", 2022, "level"]}]}},
     DrillTarget(region="北京市", measure="常住人口", year=2022, kind="level")),
    ({"selection": {"points": [{"customdata": ["江津区", "地区生产总值", None, None]}]}},
     DrillTarget(region="江津区", measure="地区生产总值")),
    ({"selection": {"points": [{"location": "天津市"}]}}, DrillTarget(province="天津市")),
    ({"selection": {"points": []}}, None),
    (None, None),
])
def test_drill_from_selection(selection, expected) -> None:
    assert data.drill_from_selection(selection) == expected


def test_drill_claims(scope, claims) -> None:
    point, total = data.drill_claims(scope, DrillTarget(region="北京市", measure="常住人口",
                                                        year=2022, kind="level"))
    assert set(point["quote"]) == {"2184.3万人", "2225万人"} and total == 2
    province, total = data.drill_claims(scope, DrillTarget(province="天津市"))
    assert len(province) == 6 == total
    first, total = data.drill_claims(scope, DrillTarget(province="天津市"), limit=2)
    assert len(first) == 2 and total == 6
    row_id = claims.loc[claims["quote"] == "2225万人", "claim_id"].item()
    by_row, _ = data.drill_claims(scope, DrillTarget(claim_id=row_id))
    assert by_row["quote"].tolist()[0] == "2225万人"
    assert set(by_row["quote"]) == {"2225万人", "2184.3万人", "4.3万人"}


def test_table_pages(scope, claims) -> None:
    pages = [data.claims_page(scope, offset, 10) for offset in (0, 10, 20)]
    assert [len(p) for p in pages] == [10, 10, 3]
    assert pd.concat(pages)["claim_id"].tolist() == claims["claim_id"].tolist()


def test_csv_download_has_bom_chinese_and_integer_years(scope) -> None:
    payload = data.to_csv_bytes(replace(scope, filters=Filters(regions=("江津区",))))
    assert payload.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(payload), encoding="utf-8-sig", dtype={"year": "Int64"})
    assert list(back.columns) == list(data.COLUMNS)
    assert set(back["region"]) == {"江津区"} and len(back) == 5
    assert ",2016," in payload.decode("utf-8-sig") and "2016.0" not in payload.decode("utf-8-sig")
    nothing = data.to_csv_bytes(replace(scope, filters=Filters(regions=("火星",))))
    assert nothing.decode("utf-8-sig").strip() == ",".join(data.COLUMNS)


def test_csv_download_is_written_in_batches(scope) -> None:
    assert data.to_csv_bytes(scope, batch_rows=4) == data.to_csv_bytes(scope)


def test_panel_download_is_the_indicator_table_of_the_filtered_claims(scope) -> None:
    # The fixture table predates the concept column: measures fall back to indicators.
    beijing = replace(scope, filters=Filters(regions=("北京市",), include_subregions=False))
    payload = data.panel_csv_bytes(beijing)
    assert payload.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(payload), encoding="utf-8-sig", dtype={"year": "Int64"},
                       keep_default_na=False)
    assert list(back.columns) == list(PANEL_COLUMNS)
    assert set(back["region"]) == {"北京市"}
    assert (back["concept"] == "").all() and "常住人口" in set(back["measure"])
    population = back[(back["measure"] == "常住人口") & (back["kind"] == "level")
                      & (back["year"] == 2022)]
    assert population[["n_claims", "n_docs"]].values.tolist() == [[2, 2]]
    assert bool(population["conflict"].item())
    assert back["n_claims"].sum() == data.claim_count(beijing)


def test_uploads_join_the_session_and_redo_conflicts(scope, claims) -> None:
    extra = scope.source.normalise(data.rows_from_records([{
        "doc": "mine.txt", "start": 0, "end": 7, "quote": "1100亿元", "sentence": "1100亿元",
        "value": 1.1e11, "unit": "元", "qualifier": "exact", "kind": "forecast",
        "region": "江津区", "year": 2021, "indicator": "地区生产总值", "category": "economy",
        "region_code": "500116",  # one 江津区: the code is part of the fact
    }]))
    joined = replace(scope, uploads=session_uploads(scope.source, [extra]))
    merged = joined.select("*", conflicts=True)
    assert len(merged) == len(claims) + 1 and merged["claim_id"].is_unique
    jiangjin = merged[(merged["region"] == "江津区") & (merged["kind"] == "forecast")]
    assert (jiangjin["conflict_id"] >= 0).all() and len(jiangjin) == 2
    # The table's own conflict keeps its number; the new one comes after it.
    assert sorted(set(merged.loc[merged["conflict_id"] >= 0, "conflict_id"])) == [0, 1]
    # The table as other sessions see it is unchanged.
    assert data.claim_count(scope) == len(claims)
    assert data.conflict_ids_in(scope, 20)[0] == 1


def test_per_capita_divides_by_the_same_region_years_population() -> None:
    series = pd.DataFrame({"region": ["北京市", "北京市", "天津市"], "kind": ["level"] * 3,
                           "year": [2022, 2023, 2022], "value": [4.4e12, 4.7e12, 1.6e12],
                           "low": [4.4e12, 4.7e12, 1.6e12], "high": [4.4e12, 4.8e12, 1.6e12]})
    population = pd.DataFrame({"region": ["北京市", "天津市", "天津市"],
                               "kind": ["level", "target", "level"], "year": [2022, 2022, 2021],
                               "value": [2.2e7, 1.4e7, 1.4e7]})
    shown = data.per_capita(series, population)
    # Only 北京市 2022 has an actual population figure for its own year.
    assert shown[["region", "year"]].values.tolist() == [["北京市", 2022]]
    assert shown["value"].item() == pytest.approx(2e5)


def test_index_puts_each_regions_base_year_actual_at_100() -> None:
    series = pd.DataFrame({"region": ["北京市", "北京市", "北京市", "天津市"],
                           "kind": ["level", "level", "target", "level"],
                           "year": [2020, 2022, 2025, 2022], "value": [200.0, 250.0, 300.0, 9.0],
                           "low": [200.0, 250.0, 300.0, 9.0], "high": [200.0, 260.0, 300.0, 9.0]})
    shown = data.as_index(series, 2020)
    assert shown["value"].tolist() == [100.0, 125.0, 150.0]  # the target on the same base
    assert shown["high"].tolist()[1] == 130.0
    assert "天津市" not in set(shown["region"])  # no actual value in 2020


def test_chart_sources_name_the_documents_and_dates(scope) -> None:
    every = data.sources_summary(scope, "常住人口", "人", "level")
    # 江津区's undated figure is on no chart, so its document is no source of one.
    assert every["docs"] == 2 and every["first"] <= every["last"]
    assert set(every["top"]) == {"fx_beijing.txt", "fx_news.txt"}
    assert data.sources_summary(scope, "常住人口", "人", "level", ["河北省"])["top"] == [
        "fx_news.txt"]


def test_region_year_table_is_the_indicator_table_pivoted(scope, fx) -> None:
    panel = data.region_year_table(scope, "常住人口", "人", "level")
    values, counts = data.wide_table(panel, data.filter_options(scope).regions)
    assert list(values.index) == ["北京市", "河北省"]  # the sidebar's order
    assert list(values.columns) == [2021, 2022, 2023]
    assert counts.loc["北京市", 2022] == 2 and pd.isna(values.loc["河北省", 2021])
    # The agreed value of two claims that disagree: the tie goes to the newer document.
    assert values.loc["北京市", 2022] == 2.225e7
    assert bool(panel.loc[(panel["region"] == "北京市") & (panel["year"] == 2022),
                          "conflict"].item())
    back = pd.read_csv(io.BytesIO(data.wide_csv_bytes(values, counts, "人")),
                       encoding="utf-8-sig")
    assert list(back.columns) == ["地区 region", "2021 (人)", "2021 条数 claims", "2022 (人)",
                                  "2022 条数 claims", "2023 (人)", "2023 条数 claims"]
    assert back.loc[0, "2022 条数 claims"] == 2


def test_map_values_shade_provinces_and_cities_and_dot_located_places(scope) -> None:
    from dashboard.views.geomap import map_values

    values = map_values(scope, "地区生产总值", "元", "level")
    shaded = values[values["lon"].isna()]
    dots = values[values["lon"].notna()]
    assert set(shaded["region"]) == {"北京市", "天津市"}  # provinces with a boundary
    assert "滨海新区" in set(dots["region"])  # a district: a dot at its centroid
    assert "京津冀" not in set(values["region"])  # no boundary, no centroid


def test_the_picker_offers_the_provinces_and_cities_regions_lie_in(scope, claims) -> None:
    assert "重庆市" not in set(claims["region"])  # only its district 江津区 has claims
    options = data.filter_options(scope)
    assert options.regions.index("重庆市") < options.regions.index("江津区")
    chongqing = replace(scope, filters=Filters(regions=("重庆市",)))
    assert regions_of(chongqing.select("region")) == {"江津区"}
    assert data.claim_count(chongqing) == 5
    # Without the region table there is nothing to add.
    assert data.with_ancestors(scope.facts.iloc[:0], scope.source.region_table).empty


def test_the_tables_answers_are_kept_and_handed_out_as_copies(fx, monkeypatch) -> None:
    fresh = opened(fx.claims, fx.regions)  # its own source: no answers kept yet
    asked = []
    cursor = type(fresh.source).cursor
    monkeypatch.setattr(type(fresh.source), "cursor",
                        lambda self: (asked.append(1), cursor(self))[1])
    first = data.map_counts(fresh)[0]
    before = len(asked)
    again = data.map_counts(fresh)[0]
    assert len(asked) == before  # the same view again: no query
    pd.testing.assert_frame_equal(first, again)
    again.loc[0, "n"] = -1  # a caller changing its copy changes nothing kept
    assert data.map_counts(fresh)[0].loc[0, "n"] == first.loc[0, "n"]
    data.claim_count(replace(fresh, filters=Filters(regions=("天津市",))))
    assert len(asked) == before + 1  # another filter state is asked


def test_a_claims_fields_name_its_level_and_concept(claims) -> None:
    from dashboard.views.base import claim_fields

    row = claims[claims["region"] == "江津区"].iloc[0]
    fields = dict(zip(*claim_fields(row).T.values, strict=True))
    assert fields["region_level"] == "县级 county"
    assert fields["year"] == ("" if pd.isna(row["year"]) else str(int(row["year"])))
    assert fields["concept"] == "" and fields["region"] == "江津区"  # the fixture has no concepts


def test_villages_sit_under_the_district_they_lie_in(tmp_path: Path) -> None:
    from extract import extract_text

    text = ("天津市北辰区\n\n村里的故事\n\n文 / 记者 张三\n\n北辰区双口镇前丁庄村位于北辰区。\n\n"
            "去年接待游客5万人次。")
    rows = extract_text(text, "t.txt")
    assert {(r["region"], r["parent_code"]) for r in rows} == {("前丁庄村", "120113")}
    path = tmp_path / "claims.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    scope = opened(path)  # the shipped region table
    options = data.filter_options(scope)
    assert options.region_labels["前丁庄村"] == "天津市 › 北辰区 › 前丁庄村"
    # 北辰区 has no claims of its own, yet is offered, and reaches its village
    assert options.regions.index("北辰区") < options.regions.index("前丁庄村")
    beichen = replace(scope, filters=Filters(regions=("北辰区",)))
    assert regions_of(beichen.select("region")) == {"前丁庄村"}

"""One-line cases for the rules of issue 8: each fails when its rule is removed."""

from __future__ import annotations

import datetime as dt

import pytest

from extract import extract_text
from extract.regions import find_mentions

DATE = dt.date(2024, 12, 15)


def row(text: str, quote: str, date: dt.date | None = DATE) -> dict:
    rows = [r for r in extract_text(text, "t.txt", date) if r["quote"] == quote]
    assert rows, f"{quote} not found in {[r['quote'] for r in extract_text(text, 't.txt', date)]}"
    return rows[0]


@pytest.mark.parametrize(("text", "quote", "kind"), [
    ("全市城镇污水集中处理率98%。", "98%", "share"),             # a bare percentage is a share
    ("组织开展谈心谈话156次。", "156次", "cumulative"),           # a tally of events done
    ("实现村集体增收30万元。", "30万元", "change"),                # 增收 is a change amount
    ("截至目前,我国共建设9100余家非遗工坊。", "9100余家", "cumulative"),  # 共 + verb
    ("15个市级贫困村全部摘帽。", "15个", "cumulative"),           # a cue after the number
    ("全市共有卫生技术人员3.06万人。", "3.06万人", "level"),    # 共有 states a stock
    ("村级指标分别较上年精简30.4%、32%。", "32%", "change"),       # a cue covers its list
    ("以建设种业小镇为目标,目前已吸引投资超2亿元。", "2亿元", "level"),  # present beats plan
    ("一般公共预算支出达78.5%。", "78.5%", "share"),             # 预算支出 is no budget
    ("预计接待访客5万人次,带来收入30万元。", "30万元", "forecast"),  # 预计 governs its sentence
    ("明年3月,全村将建成3个直播间。", "3个", "target"),          # a future year is a plan
    ("党校每年培训干部约7000人次。", "7000人次", "level"),        # a period's flow
    ("党校累计培训干部约7000人次。", "7000人次", "cumulative"),   # a tally's default
    # ... which gives way where the text puts the tally in one year, or its paragraph does
    ("2023年全年入境旅客2821万人次。", "2821万人次", "level"),
    ("2023年入境旅客2821万人次。其中,内地旅客1909.6万人次。", "1909.6万人次", "level"),
    ("目前已开展健康讲座11场,为老年人免费体检6次。", "6次", "cumulative"),  # a moment: no year
    ("目前已开展健康讲座11场。为老年人免费体检6次。", "6次", "cumulative"),  # ... nor carried
    ("直播间平均每天观看人数保持在2.6万人次。", "2.6万人次", "level"),  # a day's flow
    ("去年,共在市委党校举办26期培训班。", "26期", "level"),       # a period bounds 共
    ("今年已提醒“一把手”42人次。", "42人次", "level"),            # ... and 已
    # a plan's list (…目标是:) is planned item by item; 预期目标 is a target, not a forecast
    ("今年的主要预期目标是:地区生产总值增长5.5%左右,城镇新增就业60万人以上。", "60万人",
     "target"),
    ("今年的主要预期目标是:地区生产总值增长5.5%左右,城镇新增就业60万人以上。", "5.5%",
     "target"),
    # ... also where each item ends a sentence in ；
    ("主要预期目标是:地区生产总值增长6%左右；一般公共预算收入增长5%。", "5%", "target"),
    ("主要预期目标是:地区生产总值增长6%左右；\n全年一般公共预算收入增长5%。", "5%", "change"),
    # a target year governs the growth rate stated after the target level
    ("到2026年,地区生产总值达1800亿元左右,年均增长6%以上。", "6%", "target"),
])
def test_kind(text: str, quote: str, kind: str) -> None:
    assert row(text, quote)["kind"] == kind


def test_a_share_in_cheng_is_a_percentage() -> None:
    r = row("数字经济增加值占比超四成。", "四成")
    assert (r["value"], r["unit"]) == (40, "%")


@pytest.mark.parametrize(("text", "quote", "year"), [
    ("2022年全省粮食总产量720亿斤。其中,稻谷产量增长1.3%。", "1.3%", 2022),  # paragraph year
    ("满意度由45%上升到93%。", "45%", None),                   # the before state
    ("2021,全市完成投资200亿元。", "200亿元", 2021),            # a year without 年
    ("该园区于2018年投入运营,总面积达170万平方米。", "170万平方米", 2024),  # event year
    ("曾经,心脏支架平均价格高达1.3万元。", "1.3万元", None),     # an unspecified past
    # a year whose level is the yardstick (恢复至2018年…水平) is neither the figure's nor carried
    ("2023年访港旅客3400万人次,恢复至2018年疫情前水平的约五成。", "五成", 2023),
    ("2023年入境旅客2821万人次,恢复至2019年的七成。其中,内地旅客1909.6万人次。",
     "1909.6万人次", 2023),
    ("2023年访港旅客3400万人次,恢复至2018年疫情前水平的约五成。其中,内地旅客约2680万人次。",
     "2680万人次", 2023),
])
def test_year(text: str, quote: str, year: int | None) -> None:
    assert row(text, quote)["year"] == year


SPRING = dt.date(2024, 3, 20)  # before mid-year only the last year has ended


@pytest.mark.parametrize(("text", "quote", "date", "year"), [
    # a full-year actual is for the year just ended
    ("全年实现地区生产总值2.2万亿元,比上年增长6%。", "2.2万亿元", SPRING, 2023),
    ("年末全市常住人口2140万人。", "2140万人", SPRING, 2023),
    # ... and so are the paragraph's later sentences
    ("全年粮食产量720亿斤。其中,稻谷产量增长1.3%。", "1.3%", SPRING, 2023),
    ("全年预期增长6%左右。", "6%", SPRING, 2024),                  # a plan is this year's
    ("全年实现地区生产总值2.2万亿元。", "2.2万亿元", DATE, 2024),  # in December the year is out
    ("3月末存款余额2万亿元,比上年末增长3%。", "3%", SPRING, 2024),  # 上年末 is last year's end
    ("上半年完成全年目标的45%。", "45%", SPRING, 2024),             # 全年目标 is a plan
    ("全市地区生产总值2.2万亿元。", "2.2万亿元", SPRING, 2024),    # no full-year word
    # 过去一年 names last year, and the paragraph's later sentences carry it
    ("过去一年,全县地区生产总值增长5.8%。工业增加值增长7%。", "7%", SPRING, 2023),
    # 今年 names this year and resets it
    ("去年工业增加值增长7%。今年新开工项目30个。投资增长5%。", "5%", SPRING, 2024),
])
def test_a_full_year_figure_is_for_the_year_just_ended(text: str, quote: str, date: dt.date,
                                                         year: int) -> None:
    assert row(text, quote, date)["year"] == year


@pytest.mark.parametrize(("quote", "year"), [("320亿元", 2023), ("300个", 2025), ("15所", 2024)])
def test_a_section_heading_states_the_year_of_its_paragraphs(quote: str, year: int) -> None:
    text = ("一、过去一年工作回顾\n过去一年,全县经济稳中有进。\n"
            "(一)产业转型加快。茶产业总产值突破320亿元。\n"
            "二、2025年工作安排\n(一)扩大有效投资。安排重点项目300个。\n"
            "三、加强自身建设\n新建学校15所。")
    assert row(text, quote, SPRING)["year"] == year


def test_only_a_date_known_to_the_day_tells_which_year_has_ended() -> None:
    dated = "发布时间:2024年3月20日\n全年实现地区生产总值2.2万亿元。"
    assert row(dated, "2.2万亿元", None)["year"] == 2023
    # a year guessed from the text (its latest year, 1 January) tells nothing of the season
    assert row("2024年工作安排。\n全年实现地区生产总值2.2万亿元。", "2.2万亿元", None)["year"] \
        == 2024


@pytest.mark.parametrize(("text", "quote", "region"), [
    # a story's running topic carries to figures with no place of their own
    ("天津市北辰区\n\n村里的故事\n\n文 / 记者 张三\n\n田庄村位于北辰区。\n\n"
     "去年接待游客5万人次。", "5万人次", "田庄村"),
    ("天津市\n在中河头村,村集体增收30万元。", "30万元", "中河头村"),  # 在 is no part of a name
    ("天津市\n截至目前,我国共建设9100余家非遗工坊。", "9100余家", "中国"),  # 我国 as topic
    ("天津市的报道\n要适应城市发展,建成12个公园。", "12个", "天津市"),  # 应城市 cut from 适应城市
    ("西青区举行读书会,8名流动党员分享心得。", "8名", "西青区"),  # one 西青区 in China
    ("和平区举行读书会,8名流动党员分享心得。", "8名", "中国"),  # two 和平区: not guessed
    ("全长11.5公里的西青区子牙河大堤。", "11.5公里", "西青区"),  # the place the 的 leads to
    ("天津市\n海韵家园试点小区物业服务满意度由45%上升到93%。", "93%", "海韵家园"),  # 家园
    ("天津市\n晓镇家园社区议事100余次。", "100余次", "晓镇家园社区"),  # 家园 inside a name
    # 以…为例: the tokenizer glues 以 to the name's first character; the name sheds it
    ("天津市\n以中河头村为例,村集体增收30万元。", "30万元", "中河头村"),
    # an idiom before 村 describes a kind of village, names none: the district's figure
    ("天津市北辰区\n强化组织保障,常态化整顿软弱涣散村党组织12个。", "12个", "北辰区"),
    # a street the table lacks still chains a district to its community: the finest wins
    ("东丽区丰年村街道丰年里社区地处城区,6400多名居民中老人多。", "6400多名", "丰年里社区"),
    # places listed before 等 are examples of what is counted, not where it is counted
    ("天津市\n从南开大学、滨海新区开发区等9个重点园区选派干部。", "9个", "天津市"),
    # a place inside a short quoted name is part of the name (a nickname, a slogan)
    ("青岛西海岸新区\n啤酒城成为“中国啤酒之都”的新地标,接待游客超50万人次。", "50万人次",
     "青岛西海岸新区"),
    # a village's story keeps its figures when a city is named in passing
    ("天津市\n\n凌庄子村的故事\n\n文/记者 张三\n\n凌庄子村位于西青区。\n\n"
     "2006年,天津市第一家创意产业园正式落成。园区年产值达10亿元。", "10亿元", "凌庄子村"),
    # the district whose organ acts is not carried on as the topic
    ("北辰区的振兴故事\n\n文/记者 张三\n\n北辰区搭建链组。\n\n前丁庄村曾是农业村。"
     "今年7月,北辰区委组织部开展直播培训。直播间关注人数达到3000余人。", "3000余人",
     "前丁庄村"),
    # Taiwan's cities are places of the table (traditional characters made simplified)
    ("高雄市失業率為3.5%,較上年下降0.2個百分點。", "3.5%", "高雄市"),
    # a list of places breaks a figure down; the sentences after it stay on the topic
    ("四川省成都市\n成都市地区生产总值增长6.0%。其中,锦江区、青羊区分别实现生产总值1400亿元、"
     "1500亿元。全年新增城镇就业26.3万人。", "26.3万人", "成都市"),
    # a name found by its suffix never overlaps a table name (年香港 is no port)
    ("香港特区政府统计处公布,2023年香港本地生产总值实质增长3.2%。", "3.2%", "香港特别行政区"),
    # 村里, 我们社区, 该市: the nearest earlier place of that level in the story ...
    ("北辰区的故事\n\n文/记者 张三\n\n北辰区搭建链组。田庄村位于北辰区。\n\n"
     "北辰区开展培训,村里新建3个大棚。", "3个", "田庄村"),
    # ... never one of an earlier story
    ("刘快庄村的故事\n\n文/记者 张三\n\n刘快庄村位于武清区。\n\n\n\n青岛的乡村\n\n"
     "文/记者 李四\n\n青岛市有很多景点。村集体经济年收入60万元。", "60万元", "青岛市"),
])
def test_region(text: str, quote: str, region: str) -> None:
    assert row(text, quote)["region"] == region


@pytest.mark.parametrize(("text", "quote", "indicator", "concept"), [
    ("全市地区生产总值达到1.2万亿元。", "1.2万亿元", "地区生产总值", "地区生产总值"),
    ("建成1055个网格党支部。", "1055个", "网格党支部数量", ""),
    # A verb-led clause ending in 的 between counter and noun is passed over ...
    ("深化与14个纳入属地管理的共建单位的良性互动。", "14个", "共建单位数量", ""),
    ("在村民中挖掘出6位有潜力的直播新秀。", "6位", "直播新秀人数", ""),
    # ... and what a counted noun owns is not what is counted.
    ("集中展示43名纪检人员的能力和风采。", "43名", "纪检人员人数", ""),
    ("引进北京项目676个。", "676个", "引进北京项目数量", ""),
    ("高技术产业投资同比增长12.1%。", "12.1%", "高技术产业投资增速", "高技术产业投资"),
    ("今年已提醒“一把手”42人次。", "42人次", "提醒“一把手”人次", ""),
    ("水质优良比例从2013年的45.1%上升到2022年的77.5%。", "45.1%", "水质优良比例", ""),  # a time
    ("全市生产总值达1800亿元,年均增长6%。", "6%", "生产总值年均增速", "地区生产总值"),  # aspect
    ("日前,40余名中学生抵达津城。", "40余名", "中学生人数", ""),  # a verb ends the phrase
    ("坚决守住18亿亩耕地红线。", "18亿亩", "耕地红线", ""),       # the object after a measure
    ("成本可以控制在200元左右。", "200元", "成本", ""),          # 控制 is a link verb
    ("累计上报事件1.2万余件,办结率100%。", "100%", "办结率", ""),   # 率 binds 办结/v
    ("累计查核238人次,一致率100%。", "100%", "一致率", ""),         # and 一致/d
    ("工作满意率连续三年保持100%。", "100%", "工作满意率", ""),     # a span in the gap
    ("民警成功查处各类违法案件\n\n5起11人次。", "5起", "民警成功查处违法案件数量", ""),
    ("目前8000平方米的\n\n博士创业园已入驻企业。", "8000平方米", "博士创业园面积", ""),  # a break
    # words that make no noun phrase before 的 are a relative clause: the head is counted
    ("对29名德不配位的干部进行调整。", "29名", "干部人数", ""),
    # a counter opening a word that names a count: that word is the label
    ("14亿多人口的发展中大国。", "14亿多人", "人口", ""),
    # a bare count takes the verb its people or things are the subject of
    ("先把全村247户、626人都转移走。", "626人", "转移人数", ""),
    ("报告会主会场350人左右参加。", "350人", "报告会主会场参加人数", ""),
    # an area's label says it is one, unless it already names the measure
    ("建成博创园8000平方米。", "8000平方米", "博创园面积", ""),
    ("总面积达170万平方米。", "170万平方米", "总面积", ""),
    # 已有 links a subject to its figure like 有
    ("雄安新区“千年秀林”已有47万多亩。", "47万多亩", "千年秀林面积", ""),
    # two counts of one thing written together: the second counts it in its own counter
    ("民警成功查处各类违法案件5起11人次。", "11人次", "民警成功查处违法案件人次", ""),
    # a TeX subscript is read as the plain name; a bracketed alias takes no label length
    ("京津冀细颗粒物(PM_{2.5})年均浓度降至37微克/立方米。", "37微克/立方米",
     "细颗粒物(PM2.5)年均浓度", "PM2.5年均浓度"),
    # a qualifier is tagged apart from the word before it (宽约 is 宽|约); 宽 is 宽度
    ("栈桥长500米、宽约7米。", "7米", "宽度", ""),
    # the subject stands before a comparison's base (较2022年末), which jieba glues to it
    ("岗位空缺率较2022年末下降了22.2%。", "22.2%", "岗位空缺率", ""),
    # a change verb is the predicate, never the label; 比上年 is a comparison's base
    ("全年居民消费价格比上年上涨0.1%。", "0.1%", "居民消费价格增速", ""),
    # a share that opens on 占 is a share of the measure just stated
    ("高技术产业增加值增长7.1%,占规模以上工业增加值的比重为37.6%。", "37.6%",
     "高技术产业增加值占规模以上工业增加值比重", ""),
    ("全市老年人口56.2万人,占总人口的22.5%。", "22.5%", "老年人口占总人口比重", ""),
    # a link verb right before the number is tagged apart (jieba reads 率达, 数达 as words)
    ("问题办结率达98.7%。", "98.7%", "问题办结率", ""),
    ("每千人口执业医师数达2.6人。", "2.6人", "每千人口执业医师数", ""),
    ("65岁以上老年人口达56.2万人。", "56.2万人", "老年人口", "老年人口"),
    # a planned growth rate is still labelled as a growth rate
    ("今年的主要预期目标是:地区生产总值增长5.5%左右。", "5.5%", "地区生产总值增速",
     "地区生产总值"),
    ("到2026年,地区生产总值达1800亿元左右,年均增长6%以上。", "6%", "地区生产总值年均增速",
     "地区生产总值"),
    ("预计2025年全市地区生产总值增长6%左右。", "6%", "地区生产总值增速", "地区生产总值"),
    # an aspect (名义, 实质) takes the measure before it, or the one just stated
    ("居民人均可支配收入32000元,名义增长8.9%。", "8.9%", "居民人均可支配收入名义增速",
     "居民人均可支配收入"),
    ("第三季地区生产总值按年实质增长4.1%。", "4.1%", "地区生产总值实质增速", "地区生产总值"),
    # a rank jieba tags as a verb stays inside the counted noun phrase
    ("组织1.4万名局处级党员领导干部同步开展集中学习。", "1.4万名", "局处级党员领导干部人数", ""),
])
def test_indicator_and_concept(text: str, quote: str, indicator: str, concept: str) -> None:
    r = row(text, quote)
    assert (r["indicator"], r["concept"]) == (indicator, concept)


def test_a_communique_reports_on_the_year_in_its_title() -> None:
    text = ("天津市2023年国民经济和社会发展统计公报\n天津市统计局\n2024年3月18日\n"
            "全年全市地区生产总值16737.30亿元,比上年增长4.3%。年末全市常住人口1364万人。")
    rows = {r["quote"]: r for r in extract_text(text, "t.txt", dt.date(2024, 3, 18))}
    assert [rows[q]["year"] for q in ("16737.30亿元", "4.3%", "1364万人")] == [2023] * 3
    assert rows["1364万人"]["indicator"] == "常住人口"  # 人口 already says it is a count
    assert rows["1364万人"]["doc_date"] == "2024-03-18"


@pytest.mark.parametrize(("text", "labels"), [
    ("全省城镇、农村居民人均可支配收入分别达6万元、3.3万元。",
     ["城镇居民人均可支配收入", "农村居民人均可支配收入"]),  # the tagger holds the term whole
    ("第一、第二、第三产业增加值分别增长2.1%、3.5%和6.2%。",
     ["第一产业增加值增速", "第二产业增加值增速", "第三产业增加值增速"]),
    # ... or to the ending the other items share, where the last item has it too
    ("城镇常住居民和农村常住居民人均可支配收入分别增长4.5%和6.2%。",
     ["城镇常住居民人均可支配收入增速", "农村常住居民人均可支配收入增速"]),
    ("金银珠宝类、通讯器材类、文化办公用品类商品零售额分别增长25.3%、18.6%和12.4%。",
     ["金银珠宝类商品零售额增速", "通讯器材类商品零售额增速", "文化办公用品类商品零售额增速"]),
])
def test_list_items_are_parallel_to_the_last_items_first_word(text: str,
                                                              labels: list[str]) -> None:
    assert [r["indicator"] for r in extract_text(text, "t.txt")] == labels


def test_each_figure_of_a_list_takes_the_place_written_before_it() -> None:
    rows = extract_text("2023年浙江省各市GDP增速:杭州5.6%、宁波6.1%、温州4.9%。", "t.txt")
    assert [r["region"] for r in rows] == ["杭州市", "宁波市", "温州市"]
    # ... and the kind its lead clause ends on (增速), having no cue of its own.
    assert {(r["kind"], r["indicator"]) for r in rows} == {("change", "GDP增速")}


def test_a_list_paired_by_yici_gives_each_figure_its_own_place() -> None:
    text = "杭州、宁波、温州地区生产总值依次为18109亿元、14595亿元、7585亿元。"
    rows = extract_text(text, "t.txt")
    assert [r["region"] for r in rows] == ["杭州市", "宁波市", "温州市"]
    assert {r["indicator"] for r in rows} == {"地区生产总值"}


def test_a_city_jieba_knows_as_a_place_stands_without_its_province() -> None:
    rows = extract_text("GDP增速:杭州5.6%、宁波6.1%、温州4.9%。", "t.txt")
    assert [r["region"] for r in rows] == ["杭州市", "宁波市", "温州市"]
    # 来宾 is also a word (guests): without 广西 named it is no place
    assert row("来宾人数达到300人。", "300人")["region"] == "中国"


def test_the_places_of_a_list_are_each_figures_own() -> None:
    rows = extract_text("2023年,杭州、宁波、温州GDP分别增长5.6%、6.1%和4.9%。", "t.txt")
    assert [(r["region"], r["indicator"]) for r in rows] == [
        ("杭州市", "GDP增速"), ("宁波市", "GDP增速"), ("温州市", "GDP增速")]
    # 和 splits items only as a word of its own: 和平区 is one item
    rows = extract_text("2023年,天津市滨海新区、和平区、河西区地区生产总值分别达到7000亿元、"
                        "1100亿元和1300亿元。", "t.txt")
    assert [(r["region"], r["indicator"]) for r in rows] == [
        ("滨海新区", "地区生产总值"), ("和平区", "地区生产总值"), ("河西区", "地区生产总值")]


def test_a_list_of_places_alone_breaks_down_the_measure_just_stated() -> None:
    rows = extract_text("四川省成都市\n2023年,成都市地区生产总值增长6.0%。其中,双流区、郫都区、"
                        "新都区分别增长5.1%、4.8%和3.9%。", "t.txt")
    assert [(r["region"], r["indicator"]) for r in rows] == [
        ("成都市", "地区生产总值增速"), ("双流区", "地区生产总值增速"),
        ("郫都区", "地区生产总值增速"), ("新都区", "地区生产总值增速")]


def test_list_items_share_the_head() -> None:
    rows = extract_text("汽车、家电、服装零售额分别增长12.1%、8.4%和3.2%。", "t.txt", DATE)
    assert [r["indicator"] for r in rows] == ["汽车零售额增速", "家电零售额增速", "服装零售额增速"]
    assert {r["kind"] for r in rows} == {"change"}


@pytest.mark.parametrize("text", [
    "26 把握重大实践成果",          # a counter that begins a verb
    "实现零起步的突破",             # 零起步
    "推行“暖新十五条”举措",         # a count closing a quoted name
    "开始为期 6 天的研学活动",      # a duration across a space
    "形成两头小中间大的橄榄型结构",  # a counter that needs its noun, with none after it
    "举办中青年干部培训二班,",
])
def test_not_claims(text: str) -> None:
    assert extract_text(text, "t.txt", DATE) == []


def test_a_counter_that_needs_its_noun_counts_with_it() -> None:
    assert row("牧场养殖三头牛。", "三头")["value"] == 3


def test_two_kinds_of_place_are_no_name() -> None:
    text = "区委联合区委网信办面向镇村开展培训。"
    assert [text[m.start:m.end] for m in find_mentions(text)] == []


def test_a_village_lies_in_the_place_its_name_is_chained_to_or_its_story_is_about() -> None:
    chained = row("天津市\n北辰区双口镇前丁庄村接待游客5万人次。", "5万人次")
    assert (chained["region"], chained["parent_code"], chained["province"]) == (
        "前丁庄村", "120113", "天津市")  # 北辰区
    told = row("天津市北辰区\n\n村里的故事\n\n文 / 记者 张三\n\n田庄村位于北辰区。\n\n"
               "田庄村增收30万元。", "30万元")
    assert (told["region"], told["parent_code"]) == ("田庄村", "120113")


def test_a_label_keeps_no_quote_left_open() -> None:
    label = row("活动开展两年来,推动40余件“家事”高效办成。", "40余件")["indicator"]
    assert label and label.count("“") == label.count("”") == 0


def test_a_count_of_people_in_bare_magnitude_takes_its_unit() -> None:
    r = row("香港2023年人口为750万,较去年增加1.2%。", "750万")
    assert (r["value"], r["unit"], r["indicator"]) == (7_500_000, "人", "人口")


def test_a_currency_name_is_no_label() -> None:
    label = row("台北市家庭平均每户所得为新台币156.8万元。", "156.8万元")["indicator"]
    assert label and "台币" not in label


def test_an_alias_of_a_site_needs_its_own_parent_named() -> None:
    # 副中心 is 北京城市副中心 only where 北京 is named; a region with no code
    # (成渝地区双城经济圈) named in full is not its parent
    text = "重庆市江津区融入成渝地区双城经济圈。珞璜、白沙两个副中心城市高起点规划。"
    assert "北京城市副中心" not in {m.region.name for m in find_mentions(text)}
    assert "北京城市副中心" in {m.region.name for m in find_mentions("北京市建设城市副中心。")}


@pytest.mark.parametrize(("text", "quote", "category"), [
    ("累计查处违纪案件30起。", "30起", "governance_party"),      # a field word in the label
    ("全市集装箱吞吐量2100万标准箱。", "2100万标准箱", "infrastructure_transport"),
    ("为老年人免费体检6次。", "6次", "social_livelihood"),
    ("东方影都累计贡献票房超310亿元。", "310亿元", "culture_tourism"),
    ("全年营业收入达50亿元。", "50亿元", "economy"),  # a specific row above 收入
])
def test_category_from_the_words_of_the_label_or_sentence(text: str, quote: str,
                                                         category: str) -> None:
    assert row(text, quote)["category"] == category


def test_a_claim_naming_no_field_takes_its_storys_field() -> None:
    text = ("区纪委监委开展专项监督检查12次,查处违纪案件30起。"
            "中心全年接待4000余人次参观学习。")
    assert row(text, "4000余人次")["category"] == "governance_party"
    # alone, nothing in the sentence names a field
    assert row("中心全年接待4000余人次参观学习。", "4000余人次")["category"] == "other"


@pytest.mark.parametrize(("text", "quote", "kind"), [
    # a period opened earlier in the paragraph (2014年以来) still runs: later tallies are totals
    ("2014年以来,北京疏解一般制造业企业约3000家。8家央企总部迁出北京。", "8家", "cumulative"),
    # ... until a sentence states a year of its own
    ("2014年以来,累计疏解企业3000家。2021年新建学校5所。8家央企总部迁出北京。", "8家", "level"),
    ("2014年以来,累计疏解企业3000家。\n8家央企总部迁出北京。", "8家", "level"),  # new paragraph
    ("2014年以来,累计疏解企业3000家。全市城镇化率达65%。", "65%", "share"),  # not a tally
    ("100多项改革措施陆续推出。", "100多项", "cumulative"),      # 陆续: one after another
    ("长期以来,本地企业众多。全市新增企业300家。", "300家", "level"),  # 长期以来 names no start
])
def test_a_paragraphs_period_makes_its_tallies_cumulative(text: str, quote: str,
                                                          kind: str) -> None:
    assert row(text, quote)["kind"] == kind


@pytest.mark.parametrize(("text", "quote", "region"), [
    # a 【bracketed】 heading opens a round-up's item: the headline's place is not its topic
    ("港台速览｜台北市人口连续九年下滑\n【香港】旅游业强劲复苏\n香港旅游发展局公布,"
     "去年访港旅客约3400万人次。其中,内地旅客约2680万人次。\n【台北】人口连续下滑\n"
     "台北市户籍人口约246万人。", "2680万人次", "香港特别行政区"),
    # a speaker's line opens a broadcast item: 全市 is the city its reporter speaks for
    ("杭州台记者:去年杭州数字经济核心产业增加值4905亿元。\n主持人:再来看宁波。\n"
     "宁波台记者:去年宁波舟山港完成集装箱吞吐量3108万标准箱。全市外贸进出口总额11926亿元。",
     "11926亿元", "宁波市"),
])
def test_a_round_ups_items_are_stories_of_their_own(text: str, quote: str, region: str) -> None:
    assert row(text, quote)["region"] == region


def test_quan_sheng_in_a_story_about_a_city_is_its_province() -> None:
    text = "杭州台记者:去年杭州数字经济核心产业增加值4905亿元。全省常住人口6577万人。"
    assert row(text, "6577万人")["region"] == "浙江省"


def test_a_story_going_round_a_provinces_cities_is_about_the_province() -> None:
    text = ("记者:去年全省实现地区生产总值73516亿元,比上年增长8.5%。杭州、宁波两市分别达到"
            "18109亿元和14595亿元,温州、绍兴分别为7585亿元、6795亿元。")
    assert row(text, "8.5%")["region"] == "浙江省"
    assert row(text, "6795亿元")["region"] == "绍兴市"  # a listed city keeps its own figure


def test_a_time_word_opens_no_place_name() -> None:
    text = "酒店业方面,去年全港酒店平均入住率为83%。"
    assert not [m for m in find_mentions(text) if "去年" in text[m.start:m.end]]


def test_a_name_chained_to_its_street_may_have_a_common_word_as_stem() -> None:
    assert row("郫筒街道书院社区共有居民3280户。", "3280户")["region"] == "书院社区"
    assert row("书院社区共有居民3280户。", "3280户")["region"] != "书院社区"  # 书院 is a word


@pytest.mark.parametrize(("text", "port"), [
    ("上海港集装箱吞吐量4900万标准箱。", "上海港"),   # no 海港 (a kind of port) in it: 上海|港
    ("宁波舟山港货物吞吐量12.24亿吨。", "宁波舟山港"),  # a port named after two cities
])
def test_a_port_named_after_its_cities_is_a_place(text: str, port: str) -> None:
    assert [text[m.start:m.end] for m in find_mentions(text)] == [port]


@pytest.mark.parametrize(("text", "quote", "region"), [
    # the ends of a route name the line, not the topic carried on (成渝|中线高铁)
    ("永川区建成区面积96平方公里。成渝中线高铁永川段开工建设。新增高速公路58公里。",
     "58公里", "永川区"),
    # a place before 旅客 is where visitors come from: the figure is the destination's
    ("澳门全年入境旅客2821万人次。其中,香港旅客673万人次。", "673万人次", "澳门特别行政区"),
    # ... unless the place is the document's own: its visitors are counted there
    ("浙江省各地旅游持续回暖。杭州游客接待量增长5%。", "5%", "杭州市"),
    # a place in the source a figure is cited from is the office, not the place counted
    ("安徽省上半年经济运行平稳。据合肥海关统计,上半年全省进出口3213.5亿元,其中出口1878.2亿元。",
     "1878.2亿元", "安徽省"),
])
def test_places_a_sentence_is_not_about(text: str, quote: str, region: str) -> None:
    assert row(text, quote)["region"] == region


def test_the_past_five_years_end_last_year() -> None:
    text = "一、过去五年工作回顾\n(一)产业升级。规模以上工业企业达到510家。"
    assert row(text, "510家", dt.date(2022, 1, 6))["year"] == 2021


def test_a_bracketed_dateline_keeps_the_title_above_in_its_story() -> None:
    text = ("澳门去年入境旅客逾2821万人次\n【本报讯】治安警察局公布,去年入境旅客2821万人次。\n"
            "台湾方面,台湾去年接待旅客650万人次,台湾旅游收入增长。")
    rows = [r for r in extract_text(text, "t.txt", DATE) if r["quote"] == "2821万人次"]
    assert rows[-1]["region"] == "澳门特别行政区"


@pytest.mark.parametrize(("heading", "kind"), [("二、2024年工作安排", "target"),
                                               ("一、过去一年工作回顾", "level")])
def test_a_plans_section_plans_its_figures(heading: str, kind: str) -> None:
    text = f"{heading}\n(二)建设美丽城乡。新改建农村公路100公里。"
    assert row(text, "100公里", SPRING)["kind"] == kind


@pytest.mark.parametrize(("title", "year"), [
    ("澳门去年入境旅客逾2,821万人次", 2023),   # the title's year frames its story
    ("2023年12月30日 澳门旅游简讯", 2024),     # a date in a title is no year reported on
])
def test_a_storys_title_gives_the_year_of_its_unmarked_figures(title: str, year: int) -> None:
    text = (f"{title}\n\n【本报讯】治安警察局公布,入境旅客创新高。\n"
            "按客源地分析,内地旅客1909.6万人次。")
    assert row(text, "1909.6万人次", dt.date(2024, 1, 2))["year"] == year


def test_quan_sheng_opening_a_sentence_is_its_subject() -> None:
    text = ("杭州台记者:去年杭州数字经济增加值4905亿元。\n主持人:感谢各位记者。"
            "今年全省经济社会发展的主要预期目标是:地区生产总值增长6%以上。")
    assert row(text, "6%")["region"] == "浙江省"


@pytest.mark.parametrize(("text", "year"), [
    ("展望2035年远景目标。2023年全市地区生产总值增长5%。", 2023),  # a horizon is no date
    ("到2035年基本实现现代化。2023年全市地区生产总值增长5%。", 2023),  # nor a target
    ("2023年全市地区生产总值增长5%,2030年前后达峰。", 2023),
])
def test_a_documents_year_is_the_latest_it_reports_on(text: str, year: int) -> None:
    assert row(text, "5%", None)["doc_date"] == f"{year}-01-01"

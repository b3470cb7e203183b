"""One module per part of the page; each draws what `dashboard.data` computes.

The tab names live here because more than one view switches tabs (the
drill-down opens the document view); they are also the ?tab= query values,
so they stay fixed whatever the language.
"""

TAB_KEY = "tab"
TAB_CHARTS = "图表 Charts"
TAB_MAP = "地图 Map"
TAB_TABLE = "表格 Table"
TAB_PANEL = "地区×年份 Region × year"
TAB_CONFLICTS = "冲突 Conflicts"
TAB_DOCUMENTS = "文档 Documents"
TAB_UPLOAD = "上传 Add text"
TAB_ABOUT = "关于 About"

"""Excel import and export of a scheme version (考核方案).

A workbook is a scheme document (see ``indicators.documents``) laid out in sheets, one per
part, each with ONE header row of Chinese column names; the tables below map those names
to the document's keys. Choice values are written as their codes (``quantitative``) and
read back from the code, the English or Chinese label, or a short Chinese alias (``定量``).

Sheets, in order:

- 方案: two columns, 项目 / 值, one row per scheme field (方案代码, 方案名称, 年度, ...).
- 类别: 代码, 名称, 权重（%）, 特色指标类别 (是/否).
- 评价主体: 代码, 名称, 类型, 权重（%）.
- 指标: 类别代码, 代码, 名称, 说明, 分值, 评分方法, 方向, 目标值, 零分值, 单位,
  评价主体 (codes joined by "、" or ","), 适用社区类型 / 适用职业阶段 (codes joined by ","),
  纳入特色指标库 (是/否).
- 等级: 指标代码, 等级代码, 等级名称, 得分率下限（%）, 得分率上限（%）, 可观察行为.
- 差异化目标: 指标代码, 社区类型, 职业阶段, 目标值, 零分值.
- 加扣分: 类型 (bonus/deduction), 代码, 名称, 说明, 每次分值, 上限（分）, 扣减指标代码.
- 一票否决: 代码, 名称, 说明.

Importing checks the whole workbook's structure before anything is saved and reports
every problem at once (``SheetErrors``), each naming the sheet, the Excel row and the
column header; an import with any problem saves nothing.
"""

from indicators.excel.layout import SheetError, SheetErrors
from indicators.excel.reader import import_scheme, workbook_to_document
from indicators.excel.writer import document_to_workbook, export_scheme

__all__ = [
    "SheetError",
    "SheetErrors",
    "document_to_workbook",
    "export_scheme",
    "import_scheme",
    "workbook_to_document",
]

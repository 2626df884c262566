"""Every user-facing word, in Vietnamese and English, in one catalogue.

``msg(key, lang, **params)`` renders one entry. Finding parameters are raw values; they are formatted
for the reader's language by :func:`format_params`: floats as amounts (``1.571,6``), dates as
``30/09/2023``, and parameters whose name ends in ``_rate`` (fractions) as ``78,8%``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

LANGS = ("vi", "en")

# fmt: off
MESSAGES: dict[str, dict[str, str]] = {
    # ---- statuses -------------------------------------------------------------------------------
    "status.over": {"vi": "Vượt kế hoạch", "en": "Over-disbursed"},
    "status.no_allocation": {"vi": "Chưa có kế hoạch vốn", "en": "No allocation"},
    "status.met": {"vi": "Đạt", "en": "Met"},
    "status.missed": {"vi": "Không đạt (quá hạn)", "en": "Missed"},
    "status.behind": {"vi": "Chậm tiến độ", "en": "Behind"},
    "status.at_risk": {"vi": "Có nguy cơ không đạt", "en": "At risk"},
    "status.on_track": {"vi": "Đúng tiến độ", "en": "On track"},
    "status.incomplete": {"vi": "Chưa đủ số liệu", "en": "Incomplete"},
    # ---- severities -----------------------------------------------------------------------------
    "severity.error": {"vi": "Lỗi", "en": "Error"},
    "severity.warning": {"vi": "Cảnh báo", "en": "Warning"},
    "severity.info": {"vi": "Thông tin", "en": "Info"},
    # ---- sources --------------------------------------------------------------------------------
    "source.NSTW": {"vi": "NSTW", "en": "Central (NSTW)"},
    "source.NSDP": {"vi": "NSĐP", "en": "Local (NSĐP)"},
    "source.ALL": {"vi": "Tổng số", "en": "All sources"},
    # ---- findings (params are pre-formatted strings) --------------------------------------------
    "finding.total_mismatch": {
        "vi": "{what} ghi {written} nhưng tổng các dòng con là {children} (chênh {diff}). Kiểm tra lại dòng tổng hoặc các dòng con.",
        "en": "{what} is written as {written} but its children add up to {children} (difference {diff}). Check the total or its children.",
    },
    "finding.source_total_mismatch": {
        "vi": "Cột Tổng số của dòng {what} ghi {written} nhưng NSTW + NSĐP = {children} (chênh {diff}). Kiểm tra lại cột Tổng số hoặc các cột nguồn vốn.",
        "en": "The Tổng số (total) of row {what} is written as {written} but NSTW + NSĐP = {children} (difference {diff}). Check the total or the source columns.",
    },
    "finding.rate_mismatch": {
        "vi": "Tỷ lệ ghi {written_rate} nhưng giải ngân / kế hoạch = {computed_rate}. Công cụ dùng tỷ lệ tính lại.",
        "en": "Rate written as {written_rate} but disbursed / allocated = {computed_rate}. The recomputed rate is used.",
    },
    "finding.over_disbursed": {
        "vi": "Giải ngân {disbursed} vượt kế hoạch vốn {allocated} triệu đồng (vượt {excess}). Kiểm tra lại số liệu.",
        "en": "Disbursed {disbursed} exceeds the allocation {allocated} million VND (by {excess}). Check the figures.",
    },
    "finding.cumulative_decrease": {
        "vi": "Giải ngân lũy kế giảm từ {before} ({before_period}) xuống {after} ({after_period}). Số lũy kế không được giảm.",
        "en": "Cumulative disbursement fell from {before} ({before_period}) to {after} ({after_period}). A cumulative figure cannot fall.",
    },
    "finding.allocation_changed": {
        "vi": "Kế hoạch vốn thay đổi từ {before} ({before_period}) thành {after} ({after_period}).",
        "en": "Allocation changed from {before} ({before_period}) to {after} ({after_period}).",
    },
    "finding.duplicate_line": {
        "vi": "Dòng này lặp lại {what} đã có ở ô {first}; chỉ tính dòng đầu tiên.",
        "en": "This row repeats {what} already at {first}; only the first is counted.",
    },
    "finding.unknown_item": {
        "vi": "Không nhận ra dự án/tiểu dự án trong dòng \"{label}\"; dòng này không được tính. Ghi rõ \"Dự án N\" hoặc \"Tiểu dự án N\".",
        "en": "Row \"{label}\" names no known project or sub-project and is not counted. Write \"Dự án N\" or \"Tiểu dự án N\".",
    },
    "finding.not_a_number": {
        "vi": "Ô chứa \"{value}\" không phải là số; sửa thành số (ví dụ 1.571,6) rồi chạy lại.",
        "en": "Cell holds \"{value}\", which is not a number; write a number (e.g. 1.571,6) and run again.",
    },
    "finding.not_a_number_dependents": {
        "vi": "Ô chứa \"{value}\" không phải là số; các ô tính từ ô này ({dependents}) vì vậy cũng không có số liệu và không được tính. Sửa ô này thành số (ví dụ 1.571,6) rồi chạy lại.",
        "en": "Cell holds \"{value}\", which is not a number, so the cells computed from it ({dependents}) have no figure either and are not counted. Write a number here (e.g. 1.571,6) and run again.",
    },
    "finding.number_with_text": {
        "vi": "Ô chứa \"{value}\" (số kèm chữ); đã đọc là {used}. Nên chỉ ghi số trong ô số liệu, ghi chú để sang cột Ghi chú.",
        "en": "Cell holds \"{value}\" (a number with words); read as {used}. Keep only the number in an amount cell and put the note in the Ghi chú column.",
    },
    "finding.number_with_text_dependents": {
        "vi": "Ô chứa \"{value}\" (số kèm chữ); đã đọc là {used}, và các ô tính từ ô này ({dependents}) được tính lại theo số đó (bảng tính không cộng được ô này). Nên chỉ ghi số trong ô số liệu, ghi chú để sang cột Ghi chú.",
        "en": "Cell holds \"{value}\" (a number with words); read as {used}, and the cells computed from it ({dependents}) were recomputed with it (the spreadsheet could not count it). Keep only the number in an amount cell and put the note in the Ghi chú column.",
    },
    "finding.implausible_amount": {
        "vi": "Ô chứa {value}, không phải là một số tiền hợp lý (lớn hơn 10 triệu tỷ đồng); số liệu này không được tính. Sửa lại ô rồi chạy lại.",
        "en": "Cell holds {value}, which is not a plausible amount (over 10^16 VND); it is not counted. Correct the cell and run again.",
    },
    "finding.implausible_amount_dependents": {
        "vi": "Ô chứa {value}, không phải là một số tiền hợp lý (lớn hơn 10 triệu tỷ đồng); số liệu này và các ô tính từ ô này ({dependents}) không được tính. Sửa lại ô rồi chạy lại.",
        "en": "Cell holds {value}, which is not a plausible amount (over 10^16 VND); neither it nor the cells computed from it ({dependents}) are counted. Correct the cell and run again.",
    },
    "finding.ambiguous_number": {
        "vi": "Số \"{value}\" có thể đọc là {as_vi} (kiểu Việt Nam) hoặc {as_us} (kiểu Mỹ); đã đọc là {used}. Kiểm tra lại.",
        "en": "\"{value}\" reads as {as_vi} (Vietnamese style) or {as_us} (US style); read as {used}. Please check.",
    },
    "finding.as_of_before_report": {
        "vi": "Báo cáo có kỳ {period}, sau ngày đánh giá --as-of {as_of}, nên không được tính.",
        "en": "The report's period {period} is after the evaluation date --as-of {as_of}, so it is left out.",
    },
    "finding.as_of_after_reports": {
        "vi": "Ngày đánh giá --as-of {as_of} muộn hơn kỳ báo cáo mới nhất ({latest}) {days} ngày: các khoản được đánh giá tại {as_of} với số liệu đến {latest}. Kiểm tra lại ngày, hoặc bổ sung báo cáo các tháng sau.",
        "en": "The evaluation date --as-of {as_of} is {days} days after the latest report ({latest}): the keys are judged at {as_of} on figures up to {latest}. Check the date, or add the later months' reports.",
    },
    "finding.formula_without_value": {
        "vi": "Công thức {formula} chưa có giá trị đã tính; mở tệp trong Excel/LibreOffice, lưu lại rồi chạy lại.",
        "en": "Formula {formula} has no calculated value; open and save the file in Excel/LibreOffice and run again.",
    },
    "finding.formula_without_value_dependents": {
        "vi": "Công thức {formula} chưa có giá trị đã tính, nên các ô tính từ ô này ({dependents}) cũng chưa có; mở tệp trong Excel/LibreOffice, lưu lại rồi chạy lại.",
        "en": "Formula {formula} has no calculated value, nor have the cells computed from it ({dependents}); open and save the file in Excel/LibreOffice and run again.",
    },
    "finding.negative_amount": {
        "vi": "Số tiền âm {value}; kiểm tra lại ô này.",
        "en": "Negative amount {value}; check this cell.",
    },
    "finding.missing_period": {
        "vi": "Thiếu báo cáo tháng {period} của {unit} (giữa {first} và {last}).",
        "en": "The report for {period} of {unit} is missing (between {first} and {last}).",
    },
    "finding.period_conflict": {
        "vi": "Hai tệp cùng báo cáo kỳ {period} của {unit} và khác nhau: {files}. Đã dùng {used} (lưu sau cùng).",
        "en": "Two files report period {period} of {unit} and disagree: {files}. Used {used} (saved last).",
    },
    "finding.period_unknown": {
        "vi": "Không xác định được kỳ báo cáo: ghi \"Số liệu đến ngày dd/mm/yyyy\" ở đầu biểu hoặc đặt tên tệp kiểu 2023-09.xlsx.",
        "en": "The report period cannot be found: write \"Số liệu đến ngày dd/mm/yyyy\" above the table or name the file like 2023-09.xlsx.",
    },
    "finding.remaining_mismatch": {
        "vi": "{what}: cột còn lại ghi {written} nhưng kế hoạch vốn trừ số đã giải ngân là {children} (chênh {diff}).",
        "en": "{what}: the remaining column reads {written} but allocated minus disbursed is {children} (difference {diff}).",
    },
    "finding.period_from_file_date": {
        "vi": "Biểu chỉ ghi năm, không ghi ngày: lấy ngày {date} làm kỳ báo cáo.",
        "en": "The title gives a year but no day: {date} is taken as the report period.",
    },
    "finding.period_from_file_date_workbook": {
        "vi": "Biểu chỉ ghi năm, không ghi ngày: lấy ngày lưu tệp ghi trong tệp ({date}) làm kỳ báo cáo. Ghi \"Số liệu đến ngày dd/mm/yyyy\" ở đầu biểu hoặc chạy với --as-of.",
        "en": "The title gives a year but no day: the date the workbook was saved ({date}) is taken as the report period. Write \"Số liệu đến ngày dd/mm/yyyy\" above the table or run with --as-of.",
    },
    "finding.period_from_file_date_mtime": {
        "vi": "Biểu chỉ ghi năm, không ghi ngày: lấy ngày sửa tệp ({date}) làm kỳ báo cáo. Ghi \"Số liệu đến ngày dd/mm/yyyy\" ở đầu biểu hoặc chạy với --as-of.",
        "en": "The title gives a year but no day: the file's modification date ({date}) is taken as the report period. Write \"Số liệu đến ngày dd/mm/yyyy\" above the table or run with --as-of.",
    },
    "finding.period_from_file_date_as_of": {
        "vi": "Biểu chỉ ghi năm, không ghi ngày: lấy ngày --as-of ({date}) làm kỳ báo cáo.",
        "en": "The title gives a year but no day: the --as-of date ({date}) is taken as the report period.",
    },
    "finding.period_mismatch": {
        "vi": "Kỳ báo cáo ở đầu biểu ({header}) khác kỳ trong tên tệp ({name}); đã dùng kỳ ở đầu biểu.",
        "en": "The period in the header ({header}) differs from the file name ({name}); the header's is used.",
    },
    "finding.in_month_mismatch": {
        "vi": "Giải ngân trong tháng ghi {in_month} nhưng lũy kế tăng {increase} so với kỳ trước ({before_period}).",
        "en": "In-month disbursement is written as {in_month} but the cumulative figure rose by {increase} since {before_period}.",
    },
    "finding.annotate_failed": {
        "vi": "{reason}",
        "en": "{reason}",
    },
    "finding.unreadable_file": {
        "vi": "Không đọc được tệp: {reason}",
        "en": "The file cannot be read: {reason}",
    },
    "finding.skipped_file": {
        "vi": "Bỏ qua tệp: {reason}",
        "en": "File skipped: {reason}",
    },
    "finding.skipped_sheet": {
        "vi": "Bỏ qua trang tính: {reason}",
        "en": "Sheet skipped: {reason}",
    },
    "finding.treasury_mismatch": {
        "vi": "{what}, vốn năm {year}: {figure} theo bảng đối chiếu của Kho bạc là {treasury} triệu đồng, theo báo cáo của đơn vị (kỳ {period}) là {report} triệu đồng (chênh {diff}). Đối chiếu lại với Kho bạc.",
        "en": "{what}, {year} funds: the {figure} is {treasury} million VND on the Treasury statement but {report} million VND in the unit's report ({period}) (difference {diff}). Reconcile with the Treasury.",
    },
    "finding.treasury_missing": {
        "vi": "Khoản mục chỉ có ở một bên: bảng đối chiếu của Kho bạc hoặc báo cáo của đơn vị.",
        "en": "This item is on one side only: the Treasury statement or the unit's report.",
    },
    "finding.treasury_missing_report": {
        "vi": "{what}, vốn năm {year}: bảng đối chiếu của Kho bạc có (dự toán {treasury_allocated}, đã sử dụng {treasury_disbursed} triệu đồng) nhưng báo cáo của đơn vị kỳ {period} không có.",
        "en": "{what}, {year} funds: on the Treasury statement (allocation {treasury_allocated}, used {treasury_disbursed} million VND) but not in the unit's report of {period}.",
    },
    "finding.treasury_missing_statement": {
        "vi": "{what}, vốn năm {year}: báo cáo của đơn vị có (kế hoạch vốn {report_allocated}, giải ngân {report_disbursed} triệu đồng) nhưng bảng đối chiếu của Kho bạc đến ngày {date} ({statement}) không có.",
        "en": "{what}, {year} funds: in the unit's report (allocation {report_allocated}, disbursed {report_disbursed} million VND) but not on the Treasury statement of {date} ({statement}).",
    },
    "finding.treasury_no_report": {
        "vi": "Không có báo cáo nào của đơn vị {unit} đến ngày {date} để đối chiếu với bảng đối chiếu của Kho bạc.",
        "en": "No report of unit {unit} on or before {date} to compare with the Treasury statement.",
    },
    "finding.treasury_unmapped": {
        "vi": "Mã CTMT, DA \"{code}\" chưa được gán cho dự án nào (dự toán {allocated}, đã sử dụng {used} triệu đồng): thêm dòng \"{code}\" = \"dự án.tiểu dự án\" vào [treasury.codes] trong reconcile.toml.",
        "en": "Programme code \"{code}\" is not mapped to a project (allocation {allocated}, used {used} million VND): add \"{code}\" = \"project.sub_project\" to [treasury.codes] in reconcile.toml.",
    },
    "finding.treasury_combined": {
        "vi": "Mã \"{code}\" có dự toán năm trước chuyển sang và dự toán giao trong năm: được đối chiếu gộp vốn năm {previous} và năm {year}.",
        "en": "Code \"{code}\" has both funds brought forward and funds allocated in the year: compared on the {previous} and {year} funds together.",
    },
    "finding.treasury_no_header": {
        "vi": "Bảng đối chiếu dự toán của Kho bạc không có dòng tiêu đề nhận ra được (cần cột \"Mã CTMT, DA\"); trang không được đối chiếu.",
        "en": "The Treasury statement has no recognisable header row (it needs a \"Mã CTMT, DA\" column); the sheet was not compared.",
    },
    "finding.treasury_no_date": {
        "vi": "Không xác định được ngày của bảng đối chiếu của Kho bạc: ghi \"Đến ngày dd/mm/yyyy\" ở đầu biểu.",
        "en": "The date of the Treasury statement cannot be found: write \"Đến ngày dd/mm/yyyy\" above the table.",
    },
    "treasury.figure.allocated": {"vi": "dự toán (kế hoạch vốn)", "en": "allocation"},
    "treasury.figure.disbursed": {"vi": "dự toán đã sử dụng lũy kế (giải ngân)", "en": "cumulative use (disbursement)"},
    "finding.no_header": {
        "vi": "Không tìm thấy dòng tiêu đề (Kế hoạch vốn / Giải ngân) trong trang tính này; trang không được đọc.",
        "en": "No header row (Kế hoạch vốn / Giải ngân) found in this sheet; it was not read.",
    },
    "finding.parts_dropped": {
        "vi": "Bản sao có ghi chú không giữ được: {parts}. Tệp gốc không bị thay đổi.",
        "en": "The annotated copy could not keep: {parts}. The original file is unchanged.",
    },
    "finding.unit_unknown": {
        "vi": "Không xác định được đơn vị báo cáo ở đầu biểu.",
        "en": "The reporting unit could not be read from the header block.",
    },
    # ---- annotated copies (writers/annotate.py); params are pre-formatted strings ---------------
    "ann.met": {
        "vi": "Đã giải ngân {disbursed} / {allocated} triệu đồng ({rate}), đạt mục tiêu {target}.",
        "en": "Disbursed {disbursed} / {allocated} million VND ({rate}); the {target} target is met.",
    },
    "ann.over": {
        "vi": "Đã giải ngân {disbursed} / {allocated} triệu đồng ({rate}), vượt kế hoạch vốn được giao {excess} triệu đồng. Kiểm tra lại số liệu.",
        "en": "Disbursed {disbursed} / {allocated} million VND ({rate}), {excess} million VND more than the allocation. Check the figures.",
    },
    "ann.no_allocation": {
        "vi": "Đã giải ngân {disbursed} triệu đồng nhưng chưa có kế hoạch vốn được giao. Kiểm tra lại số liệu.",
        "en": "Disbursed {disbursed} million VND with no allocation. Check the figures.",
    },
    "ann.behind": {
        "vi": "Đã giải ngân {disbursed} / {allocated} triệu đồng ({rate}), còn thiếu {shortfall} triệu đồng so với mục tiêu {target} trước {deadline}. Theo tiến độ, đến ngày {period} cần đạt khoảng {expected_rate}.",
        "en": "Disbursed {disbursed} / {allocated} million VND ({rate}), {shortfall} million VND short of the {target} target due by {deadline}. About {expected_rate} was due by {period} to keep pace.",
    },
    "ann.at_risk": {
        "vi": "Đã giải ngân {disbursed} / {allocated} triệu đồng ({rate}), còn thiếu {shortfall} triệu đồng so với mục tiêu {target} trước {deadline}. Theo tốc độ giải ngân bình quân gần đây, đến {deadline} dự kiến chỉ giải ngân được khoảng {projection} triệu đồng, chưa đạt mục tiêu.",
        "en": "Disbursed {disbursed} / {allocated} million VND ({rate}), {shortfall} million VND short of the {target} target due by {deadline}. At the recent average pace only about {projection} million VND would be disbursed by {deadline}, short of the target.",
    },
    "ann.missed": {
        "vi": "Đã giải ngân {disbursed} / {allocated} triệu đồng ({rate}), còn thiếu {shortfall} triệu đồng; đã quá hạn {deadline} mà chưa đạt mục tiêu {target}.",
        "en": "Disbursed {disbursed} / {allocated} million VND ({rate}), {shortfall} million VND short; the deadline {deadline} has passed without reaching the {target} target.",
    },
    "ann.on_track": {
        "vi": "Đã giải ngân {disbursed} / {allocated} triệu đồng ({rate}), còn thiếu {shortfall} triệu đồng so với mục tiêu {target} trước {deadline}. Với tốc độ hiện nay sẽ đạt mục tiêu đúng hạn.",
        "en": "Disbursed {disbursed} / {allocated} million VND ({rate}), {shortfall} million VND short of the {target} target due by {deadline}. At the current pace the target will be met in time.",
    },
    "ann.incomplete": {
        "vi": "Chưa đủ số liệu: có ô số liệu của dòng này không đọc được (xem ghi chú ở ô đó), nên chưa tính tỷ lệ giải ngân kỳ này. Kế hoạch vốn: {allocated}; giải ngân: {disbursed} (triệu đồng; \"-\" là chưa biết).",
        "en": "Incomplete: an amount of this line could not be read (see the note at that cell), so no rate is computed for this period. Allocated: {allocated}; disbursed: {disbursed} (million VND; \"-\" is not known).",
    },
    "ann.header": {"vi": "{status} (kỳ {period})", "en": "{status} (period {period})"},
    "ann.finding": {"vi": "{severity} [{code}]: {message}", "en": "{severity} [{code}]: {message}"},
    "ann.ours": {"vi": "Ghi chú của reconcile:", "en": "Note from reconcile:"},
    "ann.copy_failed": {
        "vi": "Không tạo được bản sao có ghi chú của {file}: {detail}. Tệp gốc không bị thay đổi.",
        "en": "Could not make the annotated copy of {file}: {detail}. The original file is unchanged.",
    },
    "ann.not_readable": {"vi": "tệp không đọc được", "en": "the file could not be read"},
    "ann.legend_sheet": {"vi": "Chú giải", "en": "Legend"},
    "ann.legend_title": {"vi": "Chú giải bản sao có ghi chú", "en": "Legend of this annotated copy"},
    "ann.legend_copy": {
        "vi": "Đây là bản sao do công cụ reconcile tạo ra; tệp gốc {file} không bị thay đổi.",
        "en": "This is a copy made by reconcile; the original file {file} is unchanged.",
    },
    "ann.legend_period": {"vi": "Kỳ báo cáo: {periods}", "en": "Report period: {periods}"},
    "ann.legend_target": {
        "vi": "Mục tiêu: giải ngân {target} kế hoạch vốn trước {deadlines}.",
        "en": "Target: disburse {target} of the allocation by {deadlines}.",
    },
    "ann.legend_hint": {
        "vi": "Số tiền trong ghi chú tính bằng triệu đồng. Di chuột vào ô có dấu tam giác đỏ ở góc để đọc ghi chú.",
        "en": "Amounts in the notes are in million VND. Hover over a cell with a red corner triangle to read its note.",
    },
    "ann.legend_colour": {"vi": "Màu", "en": "Colour"},
    "ann.legend_meaning": {"vi": "Ý nghĩa", "en": "Meaning"},
    "ann.legend_statuses": {
        "vi": "Tình trạng giải ngân (tô ở ô Kế hoạch vốn và ô Giải ngân của từng dòng)",
        "en": "Disbursement status (on the allocated and disbursed cells of each line)",
    },
    "ann.legend_severities": {
        "vi": "Kết quả kiểm tra số liệu (tô ở ô có vấn đề)",
        "en": "Data checks (on the cell with the problem)",
    },
    "ann.legend_file_notes": {"vi": "Ghi chú chung về tệp", "en": "Notes about the whole file"},
    "ann.legend.over": {"vi": "Giải ngân vượt kế hoạch vốn được giao", "en": "Disbursed more than the allocation"},
    "ann.legend.no_allocation": {"vi": "Có giải ngân nhưng chưa có kế hoạch vốn", "en": "Disbursed with no allocation"},
    "ann.legend.met": {"vi": "Đã đạt mục tiêu giải ngân", "en": "The disbursement target is met"},
    "ann.legend.missed": {"vi": "Đã quá hạn mà chưa đạt mục tiêu", "en": "The deadline passed without reaching the target"},
    "ann.legend.behind": {"vi": "Tỷ lệ giải ngân thấp hơn tiến độ cần đạt đến kỳ báo cáo", "en": "The rate is below the pace expected by the report date"},
    "ann.legend.at_risk": {"vi": "Đang theo kịp tiến độ nhưng với tốc độ bình quân gần đây sẽ không đạt mục tiêu đúng hạn", "en": "On pace today, but the recent average pace misses the target by the deadline"},
    "ann.legend.incomplete": {"vi": "Có số liệu không đọc được: chưa tính được tỷ lệ", "en": "An amount could not be read: no rate computed"},
    "ann.legend.on_track": {"vi": "Theo kịp tiến độ và dự kiến đạt mục tiêu đúng hạn", "en": "On pace and expected to reach the target in time"},
    "ann.legend.error": {"vi": "Lỗi số liệu cần sửa", "en": "An error in the figures to correct"},
    "ann.legend.warning": {"vi": "Cần kiểm tra lại", "en": "To check"},
    "ann.legend.info": {"vi": "Để biết, không cần sửa", "en": "For information; nothing to correct"},
    # ---- parts of a workbook an annotated copy cannot keep (listed in finding.parts_dropped) ----
    "part.values_only": {"vi": "định dạng, công thức, ghi chú và độ rộng cột (tệp .xls/.ods/.csv được chép lại chỉ với giá trị)", "en": "formatting, formulas, notes and column widths (an .xls/.ods/.csv file is copied as values only)"},
    "part.images": {"vi": "hình ảnh", "en": "images"},
    "part.shapes": {"vi": "hình vẽ, hộp chữ", "en": "shapes and text boxes"},
    "part.charts": {"vi": "biểu đồ", "en": "charts"},
    "part.pivot_tables": {"vi": "bảng tổng hợp (pivot table)", "en": "pivot tables"},
    "part.form_controls": {"vi": "nút bấm, điều khiển biểu mẫu", "en": "buttons and form controls"},
    "part.activex": {"vi": "điều khiển ActiveX", "en": "ActiveX controls"},
    "part.embedded_objects": {"vi": "đối tượng nhúng (OLE)", "en": "embedded objects (OLE)"},
    "part.slicers": {"vi": "bộ lọc slicer/timeline", "en": "slicers and timelines"},
    "part.data_model": {"vi": "mô hình dữ liệu (Power Pivot)", "en": "the data model (Power Pivot)"},
    "part.threaded_comments": {"vi": "bình luận dạng hội thoại (chỉ còn dạng ghi chú thường)", "en": "threaded comments (kept as plain notes only)"},
    "part.vba": {"vi": "macro VBA", "en": "VBA macros"},
    "part.extensions": {"vi": "một số định dạng mở rộng (định dạng có điều kiện, kiểm tra dữ liệu kiểu mới, sparkline)", "en": "some extended features (newer conditional formats, data validations, sparklines)"},
    "part.header_footer": {"vi": "đầu trang/chân trang khi in", "en": "print headers and footers"},
    "part.merged_comments": {"vi": "ghi chú đặt trên ô nằm giữa vùng ô gộp", "en": "notes on cells inside a merged range"},
    # ---- reasons (for skipped/unreadable) -------------------------------------------------------
    "reason.lock_file": {"vi": "tệp khóa tạm của Excel/LibreOffice (tệp đang mở)", "en": "an Excel/LibreOffice lock file (the file is open)"},
    "reason.hidden_file": {"vi": "tệp ẩn", "en": "a hidden file"},
    "reason.own_output": {"vi": "tệp kết quả của chính công cụ", "en": "one of this tool's own outputs"},
    "reason.not_spreadsheet": {"vi": "không phải bảng tính (.xlsx, .xlsm, .xls, .ods, .csv)", "en": "not a spreadsheet (.xlsx, .xlsm, .xls, .ods, .csv)"},
    "reason.proposals_sheet": {"vi": "bảng đề xuất điều chỉnh vốn: được dùng cho phần II của báo cáo rà soát, không phải số liệu giải ngân", "en": "a proposals sheet: used for part II of the review report, not disbursement figures"},
    "reason.hidden_sheet": {"vi": "trang tính bị ẩn", "en": "the sheet is hidden"},
    "reason.encrypted": {"vi": "tệp có mật khẩu; hãy gỡ mật khẩu rồi chạy lại", "en": "the file is password-protected; remove the password and run again"},
    "reason.corrupt": {"vi": "tệp bị hỏng hoặc không phải bảng tính ({detail}); hãy mở và lưu lại trong Excel", "en": "the file is corrupt or not a spreadsheet ({detail}); open and save it again in Excel"},
    "reason.empty_file": {"vi": "tệp rỗng (0 byte)", "en": "the file is empty (0 bytes)"},
    "reason.zip_bomb": {"vi": "tệp giải nén quá lớn ({size}); từ chối đọc để bảo vệ máy", "en": "the file unpacks too large ({size}); refused to protect the machine"},
    "reason.xml_entity": {"vi": "tệp chứa khai báo thực thể XML (có thể là tấn công); từ chối đọc", "en": "the file declares XML entities (a possible attack); refused"},
    # discovery and pre-read checks (reconcile.find.discover, reconcile.find.safety)
    "reason.resource_fork": {"vi": "tệp phụ do máy Mac tạo ra (tên bắt đầu bằng ._), không phải bảng tính", "en": "a macOS metadata file (name starting with ._), not a spreadsheet"},
    "reason.hidden_folder": {"vi": "thư mục ẩn; các tệp trong đó không được đọc", "en": "a hidden folder; the files in it are not read"},
    "reason.output_folder": {"vi": "thư mục kết quả của chính công cụ; các tệp trong đó không được đọc", "en": "this tool's own output folder; the files in it are not read"},
    "reason.folder_unreadable": {"vi": "không mở được thư mục này (không có quyền hoặc thư mục bị hỏng); các tệp trong đó không được đọc", "en": "this folder cannot be opened (no permission, or it is damaged); the files in it are not read"},
    "reason.broken_link": {"vi": "lối tắt (liên kết) trỏ tới tệp không còn tồn tại", "en": "a link to a file that no longer exists"},
    "reason.link_loop": {"vi": "liên kết thư mục trỏ về thư mục đã đọc; bỏ qua để không đọc hai lần", "en": "a folder link pointing to a folder already read; skipped so nothing is read twice"},
    "reason.same_file": {"vi": "cùng một tệp với {other} (qua liên kết); chỉ đọc một lần", "en": "the same file as {other} (through a link); read once"},
    "reason.same_name": {"vi": "cùng tên và cùng nội dung với {other} (tên chỉ khác cách ghi dấu tiếng Việt, như máy Mac ghi); chỉ đọc một lần", "en": "the same name and content as {other} (the names differ only in how the accents are encoded, as a Mac writes them); read once"},
    "reason.not_regular": {"vi": "không phải tệp thông thường (thiết bị, ống dẫn hoặc socket)", "en": "not a regular file (a device, pipe or socket)"},
    "reason.unsupported_spreadsheet": {"vi": "định dạng {suffix} chưa được hỗ trợ; mở trong Excel và lưu lại dạng .xlsx", "en": "the {suffix} format is not supported; open it in Excel and save it as .xlsx"},
    "reason.file_denied": {"vi": "không có quyền đọc tệp; kiểm tra quyền truy cập rồi chạy lại", "en": "no permission to read the file; check its permissions and run again"},
    "reason.io_error": {"vi": "lỗi khi đọc tệp từ đĩa ({detail}); kiểm tra ổ đĩa rồi chạy lại", "en": "a disk error while reading the file ({detail}); check the drive and run again"},
    "reason.zip_overlap": {"vi": "tệp nén có cấu trúc bất thường (các phần chồng lên nhau, có thể là tấn công); từ chối đọc", "en": "the archive is malformed (overlapping parts, a possible attack); refused"},
    "reason.zip_too_many": {"vi": "tệp nén chứa quá nhiều phần ({count}); từ chối đọc để bảo vệ máy", "en": "the archive holds too many parts ({count}); refused to protect the machine"},
    # details of reason.corrupt
    "detail.not_zip": {"vi": "không phải gói nén của Excel", "en": "not an Excel zip package"},
    "detail.truncated": {"vi": "tệp bị cắt cụt, có thể chưa tải xong hoặc chép chưa xong", "en": "the file is truncated, perhaps not fully downloaded or copied"},
    "detail.text_file": {"vi": "là tệp văn bản được đổi đuôi", "en": "a text file with a spreadsheet's name"},
    "detail.html_page": {"vi": "là trang web (HTML/XML), không phải bảng tính Excel", "en": "a web page (HTML/XML), not an Excel workbook"},
    "detail.missing_part": {"vi": "thiếu phần {part}", "en": "the part {part} is missing"},
    "detail.bad_part": {"vi": "phần {part} bị hỏng", "en": "the part {part} is damaged"},
    "detail.not_workbook": {"vi": "nội dung không phải bảng tính, có thể là văn bản đổi đuôi", "en": "the content is not a workbook, perhaps a document renamed"},
    "detail.format_mismatch": {"vi": "nội dung là tệp {actual} nhưng mang đuôi {suffix}; đổi đuôi thành {actual}", "en": "the content is a {actual} file but it is named {suffix}; rename it to {actual}"},
    "detail.not_ole2": {"vi": "không phải tệp Excel 97-2003 (.xls)", "en": "not an Excel 97-2003 (.xls) file"},
    "detail.ole2_damaged": {"vi": "cấu trúc tệp Excel 97-2003 bị hỏng", "en": "the Excel 97-2003 file structure is damaged"},
    "detail.unexpected": {"vi": "cấu trúc tệp bất thường", "en": "an unusual file structure"},
    "detail.no_sheets": {"vi": "tệp không có trang tính nào", "en": "the workbook lists no sheet"},
    "detail.empty_sheets": {"vi": "các trang tính đều trống", "en": "its sheets are empty"},
    # ---- CLI and errors -------------------------------------------------------------------------
    "cli.folder_missing": {"vi": "Không tìm thấy thư mục {folder}. Tạo thư mục và đặt các tệp báo cáo vào đó, hoặc chỉ đúng đường dẫn.", "en": "Folder {folder} does not exist. Create it and put the reports in it, or give the right path."},
    "cli.folder_empty": {"vi": "Thư mục {folder} không có tệp bảng tính nào (.xlsx, .xlsm, .xls, .ods, .csv). Đặt các tệp báo cáo vào đó rồi chạy lại.", "en": "Folder {folder} holds no spreadsheet (.xlsx, .xlsm, .xls, .ods, .csv). Put the reports in it and run again."},
    "cli.nothing_readable": {"vi": "Không đọc được số liệu nào từ {folder}; xem các cảnh báo ở trên.", "en": "No figures could be read from {folder}; see the findings above."},
    "cli.bad_date": {"vi": "Ngày \"{value}\" không hợp lệ; dùng dạng 2023-09-30 hoặc 30/9/2023.", "en": "Date \"{value}\" is not valid; use 2023-09-30 or 30/9/2023."},
    "cli.bad_target": {"vi": "Mục tiêu \"{value}\" không hợp lệ; dùng số phần trăm từ 1 đến 100, ví dụ --target 100.", "en": "Target \"{value}\" is not valid; give a percentage from 1 to 100, e.g. --target 100."},
    "cli.bad_config": {"vi": "Tệp cấu hình {file} có lỗi ở dòng {line}: {detail}. Sửa lại rồi chạy lại.", "en": "The settings file {file} has an error at line {line}: {detail}. Fix it and run again."},
    "config.target": {"vi": "target phải là số phần trăm từ 1 đến 100", "en": "target must be a percentage from 1 to 100"},
    "config.deadline": {"vi": "deadline phải có dạng \"dd/mm\", ví dụ \"31/01\"", "en": "deadline must look like \"dd/mm\", e.g. \"31/01\""},
    "config.pace": {"vi": "pace phải là 12 số phần trăm lũy kế (cuối tháng 1 đến cuối tháng 12), ví dụ [5, 10, …, 100], hoặc tên một mẫu có sẵn như \"backloaded\"", "en": "pace must be 12 cumulative percentages (end of January to end of December), e.g. [5, 10, …, 100], or the name of a shipped profile such as \"backloaded\""},
    "config.pace_range": {"vi": "pace: giá trị tháng {month} là {value}, phải nằm trong khoảng 0 đến 100", "en": "pace: the value for month {month} is {value}; it must be within 0 to 100"},
    "config.pace_order": {"vi": "pace: giá trị tháng {month} ({value}) nhỏ hơn tháng trước ({before}); tỷ lệ lũy kế không được giảm", "en": "pace: the value for month {month} ({value}) is below the month before ({before}); a cumulative rate cannot fall"},
    "config.pace_last": {"vi": "pace: giá trị tháng 12 là {value}, phải là 100", "en": "pace: the value for December is {value}; it must be 100"},
    "config.pace_name": {"vi": "pace = \"{name}\" không phải mẫu có sẵn; dùng một trong: {names}", "en": "pace = \"{name}\" is not a shipped profile; use one of: {names}"},
    "config.deadlines": {"vi": "[deadlines] phải là một bảng: năm ngân sách = \"yyyy-mm-dd\", ví dụ 2022 = \"2024-12-31\"", "en": "[deadlines] must be a table: budget year = \"yyyy-mm-dd\", e.g. 2022 = \"2024-12-31\""},
    "config.deadline_year": {"vi": "[deadlines] {year}: phải có dạng năm ngân sách = \"yyyy-mm-dd\" (hạn không sớm hơn năm ngân sách), ví dụ 2022 = \"2024-12-31\"", "en": "[deadlines] {year}: must be budget year = \"yyyy-mm-dd\" (a deadline not before the budget year), e.g. 2022 = \"2024-12-31\""},
    "config.treasury": {"vi": "[treasury] chỉ có bảng [treasury.codes]: mã CTMT = \"dự án.tiểu dự án\"", "en": "[treasury] holds only the table [treasury.codes]: programme code = \"project.sub_project\""},
    "config.treasury_code": {"vi": "[treasury.codes] \"{code}\" phải trỏ tới \"dự án\" hoặc \"dự án.tiểu dự án\", ví dụ \"6.1\"", "en": "[treasury.codes] \"{code}\" must name \"project\" or \"project.sub_project\", e.g. \"6.1\""},
    "config.catalogue": {"vi": "\"{entry}\" trong [catalogue.<chương trình>] phải là \"dự án\" hoặc \"dự án.tiểu dự án\" trỏ tới một tên, ví dụ \"1\" = \"Bảo vệ và phát triển rừng\"", "en": "\"{entry}\" in [catalogue.<programme>] must be \"project\" or \"project.sub_project\" naming a name, e.g. \"1\" = \"Forest protection\""},
    "config.programme": {"vi": "\"{words}\" trong [programmes] phải trỏ tới tên một chương trình, ví dụ \"LNBV\"", "en": "\"{words}\" in [programmes] must name a programme, e.g. \"LNBV\""},
    "config.unknown": {"vi": "không có thiết lập \"{name}\" (các thiết lập: {names})", "en": "there is no setting \"{name}\" (the settings: {names})"},
    "config.unknown_near": {"vi": "không có thiết lập \"{name}\"; có phải ý bạn là \"{near}\"? (các thiết lập: {names})", "en": "there is no setting \"{name}\"; did you mean \"{near}\"? (the settings: {names})"},
    "config.alias": {"vi": "\"{label}\" phải trỏ tới \"dự án\" hoặc \"dự án.tiểu dự án\", ví dụ \"6.1\"", "en": "\"{label}\" must name \"project\" or \"project.sub_project\", e.g. \"6.1\""},
    "cli.output_readonly": {"vi": "Không ghi được vào thư mục kết quả {folder} (không có quyền ghi). Chọn thư mục khác bằng --out.", "en": "Cannot write to the output folder {folder} (no permission). Choose another with --out."},
    "cli.output_locked": {"vi": "Tệp {file} đang mở trong Excel: đóng tệp trong Excel rồi chạy lại (hoặc dùng --on-locked rename).", "en": "{file} is open in Excel: close the file in Excel and run again (or use --on-locked rename)."},
    "output.worker_stopped": {"vi": "tiến trình ghi tệp này dừng giữa chừng (có thể do thiếu bộ nhớ)", "en": "the process writing it stopped part-way (perhaps out of memory)"},
    "cli.output_failed": {"vi": "Không ghi được {file}: {detail}. Kiểm tra dung lượng đĩa và quyền ghi rồi chạy lại.", "en": "Could not write {file}: {detail}. Check the disk space and permissions and run again."},
    "cli.output_inside_input": {"vi": "Thư mục kết quả {folder} trùng với một tệp đầu vào; chọn thư mục khác bằng --out.", "en": "The output folder {folder} would overwrite an input; choose another with --out."},
    "cli.done": {"vi": "Đã đọc {files} tệp, {items} dòng số liệu, {keys} khoản mục; {errors} lỗi, {warnings} cảnh báo. Kết quả: {out}", "en": "Read {files} files, {items} line items, {keys} keys; {errors} errors, {warnings} warnings. Output: {out}"},
    "cli.totals": {"vi": "Tổng cộng: kế hoạch vốn {allocated}, đã giải ngân {disbursed} triệu đồng ({rate}); còn thiếu so với mục tiêu {shortfall} triệu đồng.", "en": "Grand total: allocated {allocated}, disbursed {disbursed} million VND ({rate}); {shortfall} million VND short of the target."},
    # ---- reconcile watch (watch.py) ------------------------------------------------------------
    "watch.started": {"vi": "Đang theo dõi thư mục {folder}; kết quả ghi vào {out}. Nhấn Ctrl+C để dừng.", "en": "Watching {folder}; outputs go to {out}. Press Ctrl+C to stop."},
    "watch.polling": {"vi": "Kiểm tra thư mục định kỳ (--poll), vài giây một lần.", "en": "Checking the folder every few seconds (--poll)."},
    "watch.polling_network": {"vi": "Thư mục nằm trên ổ mạng: kiểm tra định kỳ vài giây một lần thay vì chờ thông báo thay đổi.", "en": "The folder is on a network drive: checking it every few seconds instead of waiting for change events."},
    "watch.first": {"vi": "Lần chạy đầu, {files} tệp bảng tính", "en": "First run, {files} spreadsheets"},
    "watch.nothing": {"vi": "không có tệp nào đọc được; chờ thay đổi tiếp theo.", "en": "nothing readable; waiting for the next change."},
    "watch.added": {"vi": "{n} tệp mới ({names})", "en": "{n} new ({names})"},
    "watch.changed": {"vi": "{n} tệp sửa ({names})", "en": "{n} changed ({names})"},
    "watch.removed": {"vi": "{n} tệp bị xoá ({names})", "en": "{n} removed ({names})"},
    "watch.stopped_in_run": {"vi": "Đã dừng theo dõi (Ctrl+C) giữa một lần chạy: lần chạy đó không ghi gì, kết quả của lần chạy trước trong {out} được giữ nguyên.", "en": "Stopped watching (Ctrl+C) during a run: that run wrote nothing; the previous outputs in {out} are kept as they were."},
    "watch.stopped_before_output": {"vi": "Đã dừng theo dõi (Ctrl+C) giữa một lần chạy: chưa có gì được ghi vào {out}.", "en": "Stopped watching (Ctrl+C) during a run: nothing was written to {out}."},
    "watch.stopped_empty": {"vi": "Đã dừng theo dõi. Chưa có kết quả nào được ghi vào {out}.", "en": "Stopped watching. Nothing was written to {out}."},
    "watch.stopped": {"vi": "Đã dừng theo dõi. Kết quả của lần chạy hoàn tất gần nhất vẫn nguyên vẹn trong {out}.", "en": "Stopped watching. The outputs of the last completed run are intact in {out}."},
    "cli.template_written": {"vi": "Đã tạo biểu mẫu {path}.", "en": "Template written to {path}."},
    "cli.template_exists": {"vi": "Tệp {path} đã có; chọn tên khác để không ghi đè.", "en": "{path} already exists; choose another name so nothing is overwritten."},
    # ---- Layout B template (reconcile template): instructions sheet and data-validation prompts ----
    # Excel limits: prompt/error titles <= 32 characters, prompt/error messages <= 255.
    "template.sheet_instructions": {"vi": "Hướng dẫn", "en": "Instructions"},
    "template.instructions_title": {"vi": "HƯỚNG DẪN ĐIỀN BIỂU MẪU BÁO CÁO GIẢI NGÂN", "en": "HOW TO FILL IN THE DISBURSEMENT REPORT TEMPLATE"},
    "template.step1": {"vi": "1. Ở trang \"{sheet}\", ghi tên đơn vị báo cáo sau \"Đơn vị:\" (ô A1) và ngày chốt số liệu sau \"Số liệu đến ngày:\" (ô A3), dạng dd/mm/yyyy, ví dụ 30/9/2023.", "en": "1. On sheet \"{sheet}\", write the reporting unit after \"Đơn vị:\" (cell A1) and the cut-off date after \"Số liệu đến ngày:\" (cell A3) as dd/mm/yyyy, e.g. 30/9/2023."},
    "template.step2": {"vi": "2. Mỗi dòng là một khoản mục: một tiểu dự án (hoặc một dự án không có tiểu dự án) của một năm ngân sách và một nguồn vốn. Có cả NSTW và NSĐP thì ghi thành hai dòng.", "en": "2. One row per line item: a sub-project (or a project without sub-projects) of one budget year and one source of funds. Central (NSTW) and local (NSĐP) funds go on two rows."},
    "template.step3": {"vi": "3. Vốn năm trước được kéo dài: Năm ngân sách là năm giao vốn (ví dụ 2022), Năm thực hiện là năm được kéo dài sang (ví dụ 2023).", "en": "3. Funds carried over: \"Năm ngân sách\" (budget year) is the year the funds were allocated (e.g. 2022), \"Năm thực hiện\" (execution year) the year they were extended into (e.g. 2023)."},
    "template.step4": {"vi": "4. Số tiền ghi bằng số (không gõ dưới dạng chữ) theo đơn vị tính ở ô A4, mặc định triệu đồng. Giải ngân lũy kế là tổng số đã giải ngân từ khi bắt đầu thực hiện đến ngày chốt số liệu.", "en": "4. Amounts are numbers (never typed as text) in the unit named in cell A4, triệu đồng (million VND) by default. \"Giải ngân lũy kế\" is the cumulative amount disbursed from the start up to the cut-off date."},
    "template.step5": {"vi": "5. Giữ nguyên dòng tiêu đề (dòng {row}) bằng tiếng Việt: công cụ nhận biết các cột theo tiêu đề này. Cột Đơn vị chỉ cần điền khi một tệp tổng hợp số liệu của nhiều đơn vị.", "en": "5. Keep the header row (row {row}) in Vietnamese exactly as it is: the tool finds the columns by these headers. Fill the \"Đơn vị\" (unit) column only when one file gathers several units."},
    "template.step6": {"vi": "6. Tra số dự án, tiểu dự án ở bảng danh mục bên dưới (Quyết định 90/QĐ-TTg ngày 18/01/2022).", "en": "6. Look up project and sub-project numbers in the catalogue below (Decision 90/QĐ-TTg of 18/01/2022)."},
    "template.columns_title": {"vi": "CÁC CỘT CỦA BIỂU", "en": "THE TEMPLATE'S COLUMNS"},
    "template.col_letter": {"vi": "Cột", "en": "Column"},
    "template.col_header": {"vi": "Tiêu đề", "en": "Header (keep in Vietnamese)"},
    "template.col_meaning": {"vi": "Nội dung cần ghi", "en": "What to write"},
    "template.col.unit": {"vi": "Tên đơn vị báo cáo (chỉ khi một tệp có nhiều đơn vị; nếu không, để trống và ghi ở ô A1).", "en": "Reporting unit (only when one file holds several units; otherwise leave it empty and write the unit in cell A1)."},
    "template.col.budget_year": {"vi": "Năm giao vốn, 4 chữ số (ví dụ 2022).", "en": "Budget year: the year the funds were allocated, 4 digits (e.g. 2022)."},
    "template.col.execution_year": {"vi": "Năm thực hiện, giải ngân vốn (bằng năm ngân sách, hoặc năm được kéo dài sang).", "en": "Execution year: the year the funds are spent (the budget year, or the year they were extended into)."},
    "template.col.project": {"vi": "Số dự án, từ 1 đến 7 (xem danh mục).", "en": "Project number, 1 to 7 (see the catalogue)."},
    "template.col.sub_project": {"vi": "Số tiểu dự án (xem danh mục); để trống nếu dự án không có tiểu dự án.", "en": "Sub-project number (see the catalogue); empty when the project has no sub-projects."},
    "template.col.content": {"vi": "Tên dự án, tiểu dự án hoặc nội dung thực hiện (để người đọc dễ theo dõi).", "en": "Name of the project, sub-project or activity (for the reader)."},
    "template.col.source": {"vi": "Nguồn vốn: NSTW (ngân sách trung ương) hoặc NSĐP (ngân sách địa phương).", "en": "Source of funds: NSTW (central budget) or NSĐP (local budget)."},
    "template.col.allocated": {"vi": "Kế hoạch vốn được giao.", "en": "Allocation: the funds allocated."},
    "template.col.disbursed": {"vi": "Số đã giải ngân lũy kế đến ngày chốt số liệu.", "en": "Cumulative disbursement up to the cut-off date."},
    "template.col.note": {"vi": "Ghi chú, tiến độ, vướng mắc.", "en": "Notes: progress, obstacles."},
    "template.catalogue_title": {"vi": "DANH MỤC DỰ ÁN, TIỂU DỰ ÁN", "en": "PROJECTS AND SUB-PROJECTS"},
    "template.cat_project": {"vi": "Dự án", "en": "Project"},
    "template.cat_sub_project": {"vi": "Tiểu dự án", "en": "Sub-project"},
    "template.cat_name": {"vi": "Tên", "en": "Name"},
    "template.dv_unit_title": {"vi": "Đơn vị báo cáo", "en": "Reporting unit"},
    "template.dv_unit": {"vi": "Ghi tên đơn vị sau dấu hai chấm, ví dụ: Đơn vị: Sở Thông tin và Truyền thông tỉnh Lạng Sơn", "en": "Write the unit after the colon, e.g. Đơn vị: Sở Thông tin và Truyền thông tỉnh Lạng Sơn"},
    "template.dv_unit_error": {"vi": "Giữ chữ \"Đơn vị:\" ở đầu ô và ghi tên đơn vị sau dấu hai chấm.", "en": "Keep \"Đơn vị:\" at the start of the cell and write the unit after the colon."},
    "template.dv_period_error": {"vi": "Giữ chữ \"Số liệu đến ngày:\" ở đầu ô và ghi ngày sau dấu hai chấm, ví dụ 30/9/2023.", "en": "Keep \"Số liệu đến ngày:\" at the start of the cell and write the date after the colon, e.g. 30/9/2023."},
    "template.dv_period_title": {"vi": "Kỳ báo cáo", "en": "Report period"},
    "template.dv_period": {"vi": "Thay dd/mm/yyyy bằng ngày chốt số liệu, ví dụ: Số liệu đến ngày: 30/9/2023", "en": "Replace dd/mm/yyyy with the cut-off date, e.g. Số liệu đến ngày: 30/9/2023"},
    "template.dv_year_title": {"vi": "Năm", "en": "Year"},
    "template.dv_year": {"vi": "Ghi năm bằng 4 chữ số, từ {low} đến {high}.", "en": "A four-digit year from {low} to {high}."},
    "template.dv_project_title": {"vi": "Dự án", "en": "Project"},
    "template.dv_project": {"vi": "Số dự án từ {low} đến {high} (xem trang {sheet}).", "en": "Project number from {low} to {high} (see sheet {sheet})."},
    "template.dv_sub_project_title": {"vi": "Tiểu dự án", "en": "Sub-project"},
    "template.dv_sub_project": {"vi": "Số tiểu dự án từ {low} đến {high}; để trống nếu dự án không có tiểu dự án.", "en": "Sub-project number from {low} to {high}; leave empty when the project has none."},
    "template.dv_source_title": {"vi": "Nguồn vốn", "en": "Source of funds"},
    "template.dv_source": {"vi": "Chọn NSTW (ngân sách trung ương) hoặc NSĐP (ngân sách địa phương).", "en": "Choose NSTW (central budget) or NSĐP (local budget)."},
    "template.dv_amount_title": {"vi": "Số tiền", "en": "Amount"},
    "template.dv_amount": {"vi": "Ghi số không âm theo đơn vị tính ở ô A4 (ví dụ 1571,6), không gõ dưới dạng chữ.", "en": "A number of at least 0 in the unit named in cell A4 (e.g. 1571.6), never typed as text."},
    "cli.internal_error": {"vi": "Lỗi không mong đợi khi xử lý {where}: {detail}. Chạy lại với --debug và gửi kết quả cho nhóm phát triển.", "en": "Unexpected error while processing {where}: {detail}. Run again with --debug and send the output to the developers."},
    # ---- the one-file program, double-clicked (frozen.py) --------------------------------------
    "exe.reading": {"vi": "Đang đối chiếu các báo cáo trong thư mục {folder} ...", "en": "Reconciling the reports in {folder} ..."},
    "exe.opening": {"vi": "Đang mở {file}.", "en": "Opening {file}."},
    "exe.open_failed": {"vi": "Không mở được {file} ({detail}); hãy tự mở tệp này.", "en": "Could not open {file} ({detail}); open it yourself."},
    "exe.see_findings": {"vi": "Xem các lỗi và cảnh báo ở trang Cảnh báo của tệp kết quả.", "en": "See the errors and warnings on the Findings sheet of the workbook."},
    "exe.press_key": {"vi": "Nhấn phím bất kỳ để đóng cửa sổ này.", "en": "Press any key to close this window."},
    "cli.file_missing": {"vi": "Không tìm thấy tệp {file}. Kiểm tra lại tên và đường dẫn của tệp.", "en": "File {file} does not exist. Check the file's name and path."},
    "cli.no_spreadsheet": {"vi": "Không có bảng tính nào đọc được trong {files} (.xlsx, .xlsm, .xls, .ods, .csv); xem các dòng ở trên.", "en": "No spreadsheet to read in {files} (.xlsx, .xlsm, .xls, .ods, .csv); see the lines above."},
    "cli.interrupted": {"vi": "Đã dừng theo yêu cầu (Ctrl-C): lần chạy này không ghi gì, kết quả của lần chạy trước được giữ nguyên.", "en": "Stopped (Ctrl-C): this run wrote nothing; the previous outputs are kept as they were."},
    "cli.output_busy": {"vi": "Một lần chạy khác (tiến trình {pid}) đang ghi vào thư mục kết quả {folder}. Đợi lần chạy đó xong rồi chạy lại, hoặc chọn thư mục khác bằng --out.", "en": "Another run (process {pid}) is writing into the output folder {folder}. Wait until it ends and run again, or choose another folder with --out."},
    "cli.checked": {"vi": "Đã kiểm tra {files} tệp, {items} dòng số liệu, {keys} khoản mục: {errors} lỗi, {warnings} cảnh báo, {infos} thông tin. Không ghi tệp nào (lệnh reconcile run ghi kết quả).", "en": "Checked {files} files, {items} line items, {keys} keys: {errors} errors, {warnings} warnings, {infos} for information. Nothing was written (reconcile run writes the outputs)."},
    # ---- phases of a run (progress.py): a bar on a terminal, one line each otherwise -------------
    "progress.reading": {"vi": "Đang đọc {count} tệp", "en": "Reading {count} files"},
    "progress.reconciling": {"vi": "Đang đối chiếu số liệu...", "en": "Reconciling the figures..."},
    "progress.annotating": {"vi": "Đang ghi {count} bản sao có ghi chú", "en": "Writing {count} annotated copies"},
    "progress.writing": {"vi": "Đang ghi bảng đối chiếu và các tệp CSV...", "en": "Writing the workbook and the CSV files..."},
    # ---- command-line help (cli.py) -------------------------------------------------------------
    "cli.help.reconcile": {"vi": "Đối chiếu giải ngân vốn sự nghiệp Chương trình MTQG giảm nghèo bền vững.\n\nreconcile run đọc mọi bảng tính trong thư mục báo cáo (mặc định ./workbooks) hoặc các tệp được chỉ ra, rồi ghi bảng đối chiếu, bản sao có ghi chú và các tệp CSV (mặc định vào ./output). Thêm --lang en để xem bằng tiếng Anh.", "en": "Reconcile the monthly disbursement reports of the national target programme for sustainable poverty reduction.\n\nreconcile run reads every spreadsheet in the reports folder (default ./workbooks), or the files named, and writes a highlighted workbook, annotated copies and CSV files (default into ./output)."},
    "cli.help.run": {"vi": "Đọc, đối chiếu và ghi kết quả.\n\nChỉ ra một thư mục báo cáo (mặc định ./workbooks), hoặc một hay nhiều tệp báo cáo.", "en": "Read, reconcile and write the outputs.\n\nName a reports folder (default ./workbooks), or one or more report files."},
    "cli.help.check": {"vi": "Chỉ đọc và kiểm tra, in từng cảnh báo trên một dòng; không ghi tệp nào.\n\nChỉ ra một thư mục báo cáo (mặc định ./workbooks), hoặc một hay nhiều tệp báo cáo.", "en": "Read and check only, printing one line per finding; nothing is written.\n\nName a reports folder (default ./workbooks), or one or more report files."},
    "cli.help.template": {"vi": "Tạo biểu mẫu nhập liệu (Layout B), mặc định mau-bao-cao-giai-ngan.xlsx.", "en": "Write the input template (Layout B), by default mau-bao-cao-giai-ngan.xlsx."},
    "cli.help.report": {"vi": "Chỉ viết báo cáo rà soát output/bao-cao-ra-soat.docx (thể thức Nghị định 30/2020), không ghi các tệp khác.\n\nChỉ ra một thư mục báo cáo (mặc định ./workbooks), hoặc một hay nhiều tệp báo cáo. Phần đầu và phần ký: [report] trong reconcile.toml.", "en": "Write only the review report output/bao-cao-ra-soat.docx (Decree 30/2020 layout), no other file.\n\nGive a report folder (./workbooks by default), or one or more report files. Header and signature: [report] in reconcile.toml."},
    "cli.summary.report": {"vi": "Chỉ viết báo cáo rà soát (.docx).", "en": "Write only the review report (.docx)."},
    "cli.metavar.proposals": {"vi": "TỆP", "en": "FILE"},
    "cli.summary.run": {"vi": "Đọc, đối chiếu và ghi kết quả.", "en": "Read, reconcile and write the outputs."},
    "cli.summary.check": {"vi": "Chỉ đọc và kiểm tra, in các cảnh báo.", "en": "Read and check only; print the findings."},
    "cli.summary.template": {"vi": "Tạo biểu mẫu nhập liệu (Layout B).", "en": "Write the input template (Layout B)."},
    "cli.metavar.paths": {"vi": "[THƯ_MỤC | TỆP...]", "en": "[FOLDER | FILE...]"},
    "cli.metavar.treasury": {"vi": "TỆP", "en": "FILE"},
    "cli.metavar.folder": {"vi": "[THƯ_MỤC]", "en": "[FOLDER]"},
    "cli.metavar.path": {"vi": "[TỆP]", "en": "[FILE]"},
    "cli.metavar.options": {"vi": "[TÙY_CHỌN]", "en": "[OPTIONS]"},
    "cli.metavar.command": {"vi": "LỆNH [THAM_SỐ]...", "en": "COMMAND [ARGS]..."},
    "cli.metavar.out": {"vi": "THƯ_MỤC", "en": "FOLDER"},
    "cli.metavar.as_of": {"vi": "NGÀY", "en": "DATE"},
    "cli.metavar.target": {"vi": "PHẦN_TRĂM", "en": "PERCENT"},
    "cli.version": {"vi": "reconcile, phiên bản {version}", "en": "reconcile, version {version}"},
    "help.help": {"vi": "Hiện hướng dẫn này rồi thoát.", "en": "Show this message and exit."},
    "help.version": {"vi": "Hiện phiên bản rồi thoát.", "en": "Show the version and exit."},
    "help.lang": {"vi": "Ngôn ngữ của kết quả và thông báo.", "en": "Language of the outputs and messages."},
    "help.debug": {"vi": "Hiện chi tiết lỗi (traceback).", "en": "Show tracebacks."},
    "help.strict": {"vi": "Thoát với mã 1 khi có lỗi.", "en": "Exit with status 1 when error findings exist."},
    "help.target": {"vi": "Mục tiêu giải ngân (%).", "en": "Disbursement target (%)."},
    "help.as_of": {"vi": "Ngày đánh giá, ví dụ 30/9/2023.", "en": "Evaluation date, e.g. 2023-09-30."},
    "help.out": {"vi": "Thư mục kết quả.", "en": "Output folder."},
    "help.no_annotate": {"vi": "Không tạo bản sao có ghi chú.", "en": "Skip the annotated copies."},
    "help.no_cache": {"vi": "Đọc lại mọi tệp, không dùng bộ nhớ đệm OUT/.cache.", "en": "Read every file again, without the cache in OUT/.cache."},
    "help.treasury": {"vi": "Tạo mẫu bảng đối chiếu dự toán của Kho bạc (01-SDKP/ĐVDT) tại đường dẫn này.", "en": "Write a Treasury statement form (01-SDKP/ĐVDT) at this path."},
    "help.poll": {"vi": "Kiểm tra thư mục định kỳ thay vì chờ thông báo (ổ mạng).", "en": "Poll the folder instead of waiting for file events (network drives)."},
    "cli.help.watch": {"vi": "Chạy như reconcile run, rồi chạy lại mỗi khi có bảng tính được thêm, sửa hoặc xoá trong thư mục. Nhấn Ctrl+C để dừng.", "en": "Run as reconcile run, then again whenever a spreadsheet in the folder is added, changed or removed. Ctrl+C stops it."},
    "cli.summary.watch": {"vi": "Theo dõi thư mục, chạy lại khi có thay đổi.", "en": "Watch the folder; run again on changes."},
    "help.no_report": {"vi": "Không tạo báo cáo rà soát (bao-cao-ra-soat.docx).", "en": "Skip the review report (bao-cao-ra-soat.docx)."},
    "help.proposals": {"vi": "Tạo biểu mẫu đề xuất điều chỉnh vốn (phần II của báo cáo rà soát) tại TỆP này.", "en": "Write the proposals form (part II of the review report) to this FILE."},
    "help.on_locked": {"vi": "Khi tệp kết quả đang mở trong Excel: dừng (fail) hoặc ghi tên khác (rename).", "en": "When an output is open in Excel: stop (fail) or write another name (rename)."},
    # ---- click's own messages (clicktext.py): "click:" + click's English text -----------------
    "click:Usage:": {"vi": "Cách dùng:", "en": "Usage:"},
    "click:Options": {"vi": "Tùy chọn", "en": "Options"},
    "click:Commands": {"vi": "Lệnh", "en": "Commands"},
    "click:Positional arguments": {"vi": "Tham số", "en": "Positional arguments"},
    "click:Show this message and exit.": {"vi": "Hiện hướng dẫn này rồi thoát.", "en": "Show this message and exit."},
    "click:Show the version and exit.": {"vi": "Hiện phiên bản rồi thoát.", "en": "Show the version and exit."},
    "click:%(prog)s, version %(version)s": {"vi": "%(prog)s, phiên bản %(version)s", "en": "%(prog)s, version %(version)s"},
    "click:Try '{command} {option}' for help.": {"vi": "Gõ '{command} {option}' để xem hướng dẫn.", "en": "Try '{command} {option}' for help."},
    "click:Error: {message}": {"vi": "Lỗi: {message}", "en": "Error: {message}"},
    "click:No such option {name!r}.": {"vi": "Không có tùy chọn {name!r}.", "en": "No such option {name!r}."},
    "click:No such command {name!r}.": {"vi": "Không có lệnh {name!r}.", "en": "No such command {name!r}."},
    "click:Did you mean {possibility}?": {"vi": "Có phải ý bạn là {possibility}?", "en": "Did you mean {possibility}?"},
    "click:(Did you mean one of: {possibilities}?)": {"vi": "(Có phải ý bạn là một trong: {possibilities}?)", "en": "(Did you mean one of: {possibilities}?)"},
    "click:Missing argument": {"vi": "Thiếu tham số", "en": "Missing argument"},
    "click:Missing option": {"vi": "Thiếu tùy chọn", "en": "Missing option"},
    "click:Missing parameter": {"vi": "Thiếu tham số", "en": "Missing parameter"},
    "click:Missing {param_type}": {"vi": "Thiếu {param_type}", "en": "Missing {param_type}"},
    "click:Missing parameter: {param_name}": {"vi": "Thiếu tham số: {param_name}", "en": "Missing parameter: {param_name}"},
    "click:Missing command.": {"vi": "Thiếu lệnh.", "en": "Missing command."},
    "click:Invalid value for {param_hint}: {message}": {"vi": "Giá trị không hợp lệ cho {param_hint}: {message}", "en": "Invalid value for {param_hint}: {message}"},
    "click:Invalid value: {message}": {"vi": "Giá trị không hợp lệ: {message}", "en": "Invalid value: {message}"},
    "click:Got unexpected extra argument ({args})": {"vi": "Thừa tham số ({args})", "en": "Got unexpected extra argument ({args})"},
    "click:Got unexpected extra arguments ({args})": {"vi": "Thừa các tham số ({args})", "en": "Got unexpected extra arguments ({args})"},
    "click:Option {name!r} requires an argument.": {"vi": "Tùy chọn {name!r} cần một giá trị.", "en": "Option {name!r} requires an argument."},
    "click:Option {name!r} requires {nargs} arguments.": {"vi": "Tùy chọn {name!r} cần {nargs} giá trị.", "en": "Option {name!r} requires {nargs} arguments."},
    "click:Option {name!r} does not take a value.": {"vi": "Tùy chọn {name!r} không nhận giá trị.", "en": "Option {name!r} does not take a value."},
    "click:{value!r} is not {choice}.": {"vi": "{value!r} không phải là {choice}.", "en": "{value!r} is not {choice}."},
    "click:{value!r} is not one of {choices}.": {"vi": "{value!r} không thuộc {choices}.", "en": "{value!r} is not one of {choices}."},
    "click:{value!r} is not a valid {number_type}.": {"vi": "{value!r} không phải là {number_type} hợp lệ.", "en": "{value!r} is not a valid {number_type}."},
    "click:{name} {filename!r} does not exist.": {"vi": "{name} {filename!r} không tồn tại.", "en": "{name} {filename!r} does not exist."},
    "click:Could not open file {filename!r}: {message}": {"vi": "Không mở được tệp {filename!r}: {message}", "en": "Could not open file {filename!r}: {message}"},
    "click:default: {default}": {"vi": "mặc định: {default}", "en": "default: {default}"},
    "click:env var: {var}": {"vi": "biến môi trường: {var}", "en": "env var: {var}"},
    "click:(dynamic)": {"vi": "(tùy lúc chạy)", "en": "(dynamic)"},
    "click:deprecated": {"vi": "không còn dùng", "en": "deprecated"},
    "click:Aborted!": {"vi": "Đã hủy!", "en": "Aborted!"},
    "click:Choose from:\n\t{choices}": {"vi": "Chọn một trong:\n\t{choices}", "en": "Choose from:\n\t{choices}"},
    "click:file": {"vi": "tệp", "en": "file"},
    "click:directory": {"vi": "thư mục", "en": "directory"},
    "click:path": {"vi": "đường dẫn", "en": "path"},
    # ---- reconciliation workbook (writers/workbook.py) -----------------------------------------
    "wb.sheet.summary": {"vi": "Tổng hợp", "en": "Summary"},
    "wb.sheet.progress": {"vi": "Tiến độ theo tháng", "en": "Monthly progress"},
    "wb.sheet.findings": {"vi": "Cảnh báo", "en": "Findings"},
    "wb.sheet.data": {"vi": "Dữ liệu", "en": "Data"},
    "wb.sheet.print": {"vi": "Bản in Tổng hợp", "en": "Summary for print"},
    "wb.print.col.no": {"vi": "STT", "en": "No."},
    "wb.print.col.item": {"vi": "Nội dung", "en": "Item"},
    "wb.print.period_span": {"vi": "Kỳ báo cáo: từ tháng {first} đến tháng {last}", "en": "Reports from {first} to {last}"},
    "wb.print.period_one": {"vi": "Kỳ báo cáo: tháng {month}", "en": "Report of {month}"},
    "wb.print.target": {"vi": "Mục tiêu giải ngân: {target} kế hoạch vốn", "en": "Disbursement target: {target} of the allocation"},
    "wb.print.date_line": {"vi": "……………, ngày …… tháng …… năm ……", "en": "……………, date ……………………"},
    "wb.print.prepared_by": {"vi": "NGƯỜI LẬP BIỂU", "en": "PREPARED BY"},
    "wb.print.chief_accountant": {"vi": "KẾ TOÁN TRƯỞNG", "en": "CHIEF ACCOUNTANT"},
    "wb.print.head": {"vi": "THỦ TRƯỞNG ĐƠN VỊ", "en": "HEAD OF THE UNIT"},
    "wb.print.sign": {"vi": "(Ký, họ tên)", "en": "(Signature, full name)"},
    "wb.print.sign_seal": {"vi": "(Ký, họ tên, đóng dấu)", "en": "(Signature, full name, seal)"},
    "wb.title_any": {"vi": "BẢNG ĐỐI CHIẾU TÌNH HÌNH GIẢI NGÂN VỐN", "en": "DISBURSEMENT RECONCILIATION"},
    "wb.title": {"vi": "BẢNG ĐỐI CHIẾU TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG", "en": "DISBURSEMENT RECONCILIATION: NATIONAL TARGET PROGRAMME FOR SUSTAINABLE POVERTY REDUCTION (RECURRENT FUNDS)"},
    "wb.units": {"vi": "Đơn vị: {units}", "en": "Unit: {units}"},
    "wb.units_many": {"vi": "{count} đơn vị", "en": "{count} units"},
    "wb.unit_unknown": {"vi": "(không rõ đơn vị)", "en": "(unit not stated)"},
    "wb.as_of": {"vi": "Số liệu đến ngày {date}", "en": "Figures as of {date}"},
    "wb.as_of_unknown": {"vi": "Chưa xác định được kỳ báo cáo", "en": "Report period unknown"},
    "wb.money_unit": {"vi": "Đơn vị tính: triệu đồng", "en": "Amounts in million VND"},
    "wb.target_label": {"vi": "Mục tiêu:", "en": "Target:"},
    "wb.target_name": {"vi": "MucTieu", "en": "Target"},
    "wb.legend": {"vi": "Chú giải màu trạng thái:", "en": "Status colours:"},
    "wb.page": {"vi": "Trang &P/&N", "en": "Page &P of &N"},
    "wb.truncated": {"vi": "Chỉ hiện {shown} trên tổng số {total} dòng. Số liệu đầy đủ trong các tệp CSV ({csv}).", "en": "Showing {shown} of {total} rows. The CSV files hold everything ({csv})."},
    "wb.consolidated_only": {"vi": "Quá nhiều dòng để hiện theo từng đơn vị ({rows} dòng): bảng chỉ hiện số tổng hợp. Số liệu đầy đủ trong các tệp CSV (summary.csv).", "en": "Too many rows to show per unit ({rows} rows): the table shows the consolidated figures only. The CSV files hold everything (summary.csv)."},
    "wb.all_units": {"vi": "Tổng hợp toàn tỉnh", "en": "All units"},
    "wb.total": {"vi": "TỔNG CỘNG", "en": "GRAND TOTAL"},
    "wb.unit_total": {"vi": "Cộng đơn vị", "en": "Unit total"},
    "wb.year_funds": {"vi": "Vốn năm {year}", "en": "{year} funds"},
    "wb.year_funds_carried": {"vi": "Vốn năm {budget} kéo dài sang năm {execution}", "en": "{budget} funds carried over to {execution}"},
    "wb.project": {"vi": "Dự án {n}", "en": "Project {n}"},
    "wb.sub_project": {"vi": "Tiểu dự án {n}", "en": "Sub-project {n}"},
    "wb.col.unit": {"vi": "Đơn vị", "en": "Unit"},
    "wb.col.budget_year": {"vi": "Năm ngân sách", "en": "Budget year"},
    "wb.col.execution_year": {"vi": "Năm thực hiện", "en": "Execution year"},
    "wb.col.project": {"vi": "Dự án", "en": "Project"},
    "wb.col.sub_project": {"vi": "Tiểu dự án", "en": "Sub-project"},
    "wb.col.source": {"vi": "Nguồn vốn", "en": "Source"},
    "wb.col.allocated": {"vi": "Kế hoạch vốn", "en": "Allocated"},
    "wb.col.disbursed": {"vi": "Đã giải ngân", "en": "Disbursed"},
    "wb.col.rate": {"vi": "Tỷ lệ", "en": "Rate"},
    "wb.col.shortfall": {"vi": "Còn thiếu", "en": "Shortfall"},
    "wb.col.status": {"vi": "Trạng thái", "en": "Status"},
    "wb.col.deadline": {"vi": "Hạn giải ngân", "en": "Deadline"},
    "wb.col.days_left": {"vi": "Số ngày còn lại", "en": "Days left"},
    "wb.col.required_monthly": {"vi": "Cần giải ngân mỗi tháng", "en": "Needed per month"},
    "wb.col.projection": {"vi": "Dự kiến đến hạn", "en": "Projected by the deadline"},
    "wb.col.expected_rate": {"vi": "Tỷ lệ dự kiến cần đạt", "en": "Expected rate"},
    "wb.col.period": {"vi": "Kỳ báo cáo", "en": "Period"},
    "wb.col.disbursed_cum": {"vi": "Giải ngân lũy kế", "en": "Disbursed (cumulative)"},
    "wb.col.disbursed_in_month": {"vi": "Giải ngân trong tháng", "en": "Disbursed in the month"},
    "wb.col.label": {"vi": "Nội dung dòng", "en": "Row label"},
    "wb.col.file": {"vi": "Tệp", "en": "File"},
    "wb.col.sheet": {"vi": "Trang tính", "en": "Sheet"},
    "wb.col.row": {"vi": "Dòng", "en": "Row"},
    "wb.col.allocated_cell": {"vi": "Ô kế hoạch vốn", "en": "Allocated cell"},
    "wb.col.disbursed_cell": {"vi": "Ô giải ngân", "en": "Disbursed cell"},
    "wb.col.in_month_cell": {"vi": "Ô giải ngân trong tháng", "en": "In-month cell"},
    "ann.identity": {"vi": "Dự án: {identity}", "en": "Project: {identity}"},
    "wb.col.programme": {"vi": "Chương trình", "en": "Programme"},
    "wb.col.project_code": {"vi": "Mã dự án", "en": "Project code"},
    "wb.col.project_name": {"vi": "Tên dự án", "en": "Project name"},
    "wb.col.severity": {"vi": "Mức độ", "en": "Severity"},
    "wb.col.code": {"vi": "Mã", "en": "Code"},
    "wb.col.cell": {"vi": "Ô", "en": "Cell"},
    "wb.col.message": {"vi": "Nội dung", "en": "Message"},
    "wb.progress_title": {"vi": "TIẾN ĐỘ GIẢI NGÂN LŨY KẾ THEO THÁNG (tỷ lệ so với kế hoạch vốn)", "en": "CUMULATIVE DISBURSEMENT RATE BY MONTH (share of the allocation)"},
    "wb.chart_data": {"vi": "Số liệu biểu đồ (triệu đồng)", "en": "Chart data (million VND)"},
    "wb.chart_title": {"vi": "Giải ngân lũy kế so với mục tiêu", "en": "Cumulative disbursement against the target"},
    "wb.chart_x": {"vi": "Kỳ báo cáo", "en": "Report period"},
    "wb.chart_y": {"vi": "Triệu đồng", "en": "Million VND"},
    "wb.series_year": {"vi": "Giải ngân vốn năm {year}", "en": "Disbursed, {year} funds"},
    "wb.series_total": {"vi": "Tổng giải ngân", "en": "Total disbursed"},
    "wb.series_target": {"vi": "Mục tiêu ({target} kế hoạch vốn)", "en": "Target ({target} of the allocation)"},
    "wb.findings_title": {"vi": "DANH SÁCH CẢNH BÁO", "en": "FINDINGS"},
    "wb.findings_counts": {"vi": "{errors} lỗi, {warnings} cảnh báo, {infos} thông tin", "en": "{errors} errors, {warnings} warnings, {infos} for information"},
    "wb.findings_hint": {"vi": "Bấm vào ô ở cột \"Ô\" để mở ô nguồn (giữ các tệp đầu vào ở đúng thư mục cũ).", "en": "Click a reference in the \"Cell\" column to open the source cell (keep the input files where they are)."},
    "wb.data_title": {"vi": "DỮ LIỆU ĐÃ TRÍCH XUẤT TỪ CÁC TỆP (triệu đồng)", "en": "LINE ITEMS EXTRACTED FROM THE FILES (million VND)"},
    "wb.data_count": {"vi": "{count} dòng số liệu", "en": "{count} line items"},
    # ---- ledger per budget year (SPEC 9; writers/workbook/ledger.py) -------------------------------
    "ledger.sheet": {"vi": "Kế hoạch vốn theo năm", "en": "Funds by budget year"},
    "ledger.title": {"vi": "TÌNH HÌNH SỬ DỤNG KẾ HOẠCH VỐN THEO NĂM NGÂN SÁCH (theo mẫu 04-SDKP)", "en": "USE OF FUNDS BY BUDGET YEAR (in the form of the carry-over statement 04-SDKP)"},
    "ledger.pace": {"vi": "Tiến độ dự kiến: {pace}", "en": "Expected pace: {pace}"},
    "ledger.note": {"vi": "Vốn phải giải ngân trong năm thực hiện; Kho bạc nhận thanh toán đến 31/01 năm sau; sau đó số còn lại được chuyển nguồn (theo quyết định) hoặc bị hủy. Dự báo theo tốc độ giải ngân bình quân ba tháng gần nhất.", "en": "Funds must be spent in their execution year; the Treasury accepts payments until 31 January of the next year; the remainder is then carried over (by a decision) or cancelled. The forecast uses the average monthly pace of the last three months."},
    "ledger.col.brought_forward": {"vi": "Dự toán năm trước chuyển sang", "en": "Brought forward"},
    "ledger.col.allocated_in_year": {"vi": "Dự toán giao trong năm", "en": "Allocated in the year"},
    "ledger.col.adjustments": {"vi": "Điều chỉnh", "en": "Adjustments"},
    "ledger.col.allocated": {"vi": "Tổng kế hoạch vốn được sử dụng", "en": "Total allocation"},
    "ledger.col.disbursed": {"vi": "Đã giải ngân lũy kế", "en": "Disbursed (cumulative)"},
    "ledger.col.remaining": {"vi": "Còn lại", "en": "Remaining"},
    "ledger.col.payment_until": {"vi": "Hạn thanh toán tại Kho bạc", "en": "Treasury payments until"},
    "ledger.col.required_per_month": {"vi": "Cần giải ngân mỗi tháng", "en": "Needed per month"},
    "ledger.col.forecast_unspent": {"vi": "Dự báo phải chuyển nguồn hoặc bị hủy", "en": "Forecast to be carried over or cancelled"},
    "ledger.status.missed": {"vi": "Hết hạn: chuyển nguồn hoặc hủy số còn lại", "en": "Expired: remainder to be carried over or cancelled"},
    "ledger.status.payment_window": {"vi": "Trong thời gian thanh toán (đến 31/01)", "en": "In the payment window (to 31 January)"},
    "ledger.status.carried_over": {"vi": "Đã chuyển sang năm sau", "en": "Carried into a later year"},
    "ledger.status.incomplete": {"vi": "Thiếu số liệu", "en": "Incomplete figures"},
    # ---- Treasury cross-check (SPEC 9; writers/workbook/treasury.py) --------------------------------
    "treasury.sheet": {"vi": "Đối chiếu Kho bạc", "en": "Treasury check"},
    "treasury.title": {"vi": "ĐỐI CHIẾU SỐ LIỆU VỚI BẢNG ĐỐI CHIẾU DỰ TOÁN CỦA KHO BẠC NHÀ NƯỚC (mẫu 01-SDKP/ĐVDT)", "en": "THE UNIT'S FIGURES AGAINST THE STATE TREASURY'S STATEMENT OF ESTIMATES USED (form 01-SDKP/ĐVDT)"},
    "treasury.note": {"vi": "Chênh lệch = số của Kho bạc − số theo báo cáo của đơn vị (kỳ báo cáo gần nhất không muộn hơn ngày đối chiếu); các nguồn vốn được cộng chung.", "en": "Difference = the Treasury's figure − the unit's report (its latest period on or before the statement's date); sources together."},
    "treasury.col.as_of": {"vi": "Ngày đối chiếu", "en": "Statement date"},
    "treasury.col.report_period": {"vi": "Kỳ báo cáo so sánh", "en": "Report period compared"},
    "treasury.col.report_allocated": {"vi": "Kế hoạch vốn theo báo cáo", "en": "Allocation (report)"},
    "treasury.col.treasury_allocated": {"vi": "Dự toán theo Kho bạc", "en": "Allocation (Treasury)"},
    "treasury.col.allocated_diff": {"vi": "Chênh lệch dự toán", "en": "Allocation difference"},
    "treasury.col.report_disbursed": {"vi": "Giải ngân lũy kế theo báo cáo", "en": "Disbursed (report)"},
    "treasury.col.treasury_disbursed": {"vi": "Đã sử dụng lũy kế theo Kho bạc", "en": "Used (Treasury)"},
    "treasury.col.disbursed_diff": {"vi": "Chênh lệch giải ngân", "en": "Disbursement difference"},
    "treasury.col.code": {"vi": "Mã CTMT, DA", "en": "Programme code"},
    "treasury.col.place": {"vi": "Tệp / ô của Kho bạc", "en": "Statement file / cell"},
    "treasury.status.match": {"vi": "Khớp", "en": "Matches"},
    "treasury.status.mismatch": {"vi": "Chênh lệch", "en": "Differs"},
    "treasury.status.missing_in_report": {"vi": "Báo cáo không có", "en": "Not in the report"},
    "treasury.status.missing_in_treasury": {"vi": "Kho bạc không có", "en": "Not on the statement"},
    "treasury.status.unknown": {"vi": "Thiếu số liệu", "en": "Figure unknown"},
    "cli.treasury_written": {"vi": "Đã tạo mẫu bảng đối chiếu dự toán của Kho bạc: {path}", "en": "Treasury statement form written: {path}"},
    "pace.linear": {"vi": "tuyến tính theo ngày (mặc định)", "en": "linear by day (the default)"},
    "pace.backloaded": {"vi": "dồn cuối năm \"backloaded\" (khoảng 5% hết tháng 3, 20% tháng 6, 45% tháng 9, 85% tháng 11, 100% tháng 12)", "en": "back-loaded \"backloaded\" (about 5% by March, 20% by June, 45% by September, 85% by November, 100% by December)"},
    "pace.custom": {"vi": "theo tháng, đặt trong reconcile.toml", "en": "month by month, set in reconcile.toml"},
    # ---- review report (SPEC 8; writers/report) -------------------------------------------------
    "config.report": {"vi": "[report] phải là một bảng các khóa", "en": "[report] must be a table of keys"},
    "config.report_text": {"vi": "{name} trong [report] phải là một chuỗi trong dấu nháy", "en": "{name} in [report] must be a quoted string"},
    "config.report_list": {"vi": "{name} trong [report] phải là danh sách chuỗi, ví dụ [\"Như trên;\", \"Lưu: VT.\"]", "en": "{name} in [report] must be a list of strings, e.g. [\"Như trên;\", \"Lưu: VT.\"]"},
    "config.report_date": {"vi": "{name} trong [report] phải là ngày dạng dd/mm/yyyy", "en": "{name} in [report] must be a date as dd/mm/yyyy"},
    "config.report_key": {"vi": "[report] không có khóa {name} (các khóa: superior, unit, number_prefix, recipient, place, date, subject, signer_title, signer_name, recipients)", "en": "[report] has no key {name} (keys: superior, unit, number_prefix, recipient, place, date, subject, signer_title, signer_name, recipients)"},
    "report.nation": {"vi": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "en": "SOCIALIST REPUBLIC OF VIETNAM"},
    "report.motto": {"vi": "Độc lập - Tự do - Hạnh phúc", "en": "Independence - Freedom - Happiness"},
    "report.number": {"vi": "Số:        /{prefix}", "en": "No.:        /{prefix}"},
    "report.place_date": {"vi": "{place}, ngày {day} tháng {month} năm {year}", "en": "{place}, {date}"},
    "report.title": {"vi": "BÁO CÁO", "en": "REPORT"},
    "report.subject": {"vi": "Về việc rà soát tình hình giải ngân {funds} năm {year}", "en": "On the review of the disbursement of {funds}, {year}"},
    "report.funds.GNBV": {"vi": "vốn sự nghiệp thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững", "en": "recurrent funds of the National Target Programme for Sustainable Poverty Reduction"},
    "report.funds.NTM": {"vi": "vốn thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới", "en": "funds of the National Target Programme for New Rural Development"},
    "report.funds.DTTS": {"vi": "vốn thực hiện Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi", "en": "funds of the National Target Programme for Socio-Economic Development of Ethnic Minority and Mountainous Areas"},
    "report.funds.DTC": {"vi": "kế hoạch vốn đầu tư công", "en": "the public investment plan"},
    "report.funds.other": {"vi": "vốn thực hiện chương trình {programme}", "en": "funds of the {programme} programme"},
    "report.funds.any": {"vi": "vốn", "en": "funds"},
    "report.funds_title.GNBV": {"vi": "VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG", "en": "RECURRENT FUNDS OF THE NATIONAL TARGET PROGRAMME FOR SUSTAINABLE POVERTY REDUCTION"},
    "report.funds_title.NTM": {"vi": "VỐN CHƯƠNG TRÌNH MTQG XÂY DỰNG NÔNG THÔN MỚI", "en": "FUNDS OF THE NATIONAL TARGET PROGRAMME FOR NEW RURAL DEVELOPMENT"},
    "report.funds_title.DTTS": {"vi": "VỐN CHƯƠNG TRÌNH MTQG PHÁT TRIỂN KINH TẾ - XÃ HỘI VÙNG ĐỒNG BÀO DÂN TỘC THIỂU SỐ VÀ MIỀN NÚI", "en": "FUNDS OF THE NATIONAL TARGET PROGRAMME FOR SOCIO-ECONOMIC DEVELOPMENT OF ETHNIC MINORITY AND MOUNTAINOUS AREAS"},
    "report.funds_title.DTC": {"vi": "KẾ HOẠCH VỐN ĐẦU TƯ CÔNG", "en": "THE PUBLIC INVESTMENT PLAN"},
    "report.funds_title.other": {"vi": "VỐN CHƯƠNG TRÌNH {programme}", "en": "FUNDS OF THE {programme} PROGRAMME"},
    "report.funds_title.any": {"vi": "VỐN", "en": "FUNDS"},
    "report.funds_kind.GNBV": {"vi": " sự nghiệp", "en": "recurrent "},
    "report.funds_kind.any": {"vi": "", "en": ""},
    "report.part_programme": {"vi": "{part} ({programme})", "en": "{part} ({programme})"},
    "report.to": {"vi": "Kính gửi: {recipient}", "en": "To: {recipient}"},
    "report.recipient_missing": {"vi": "[Cơ quan nhận báo cáo]", "en": "[Recipient]"},
    "report.recipient": {"vi": "Sở Lao động - Thương binh và Xã hội", "en": "the Department of Labour, Invalids and Social Affairs"},
    "report.basis": {"vi": "[Nêu căn cứ: văn bản của cơ quan cấp trên đề nghị báo cáo, số, ngày]", "en": "[State the basis: the superior's letter asking for this report, its number and date]"},
    "report.opening": {"vi": "{unit} báo cáo kết quả rà soát tình hình giải ngân {funds}, số liệu đến ngày {as_of}, như sau:", "en": "{unit} reports the review of the disbursement of {funds}, figures up to {as_of}, as follows:"},
    "report.opening_units": {"vi": "{unit} báo cáo tổng hợp kết quả rà soát tình hình giải ngân {funds} của {count} đơn vị, số liệu đến ngày {as_of}, như sau:", "en": "{unit} reports the review of the disbursement of {funds} by {count} units, figures up to {as_of}, as follows:"},
    "report.results": {"vi": "I. KẾT QUẢ THỰC HIỆN", "en": "I. RESULTS"},
    "report.part_carried": {"vi": "Nguồn vốn năm {budget_year} kéo dài thực hiện năm {execution_year}", "en": "Funds of {budget_year} carried over to {execution_year}"},
    "report.part_year": {"vi": "Nguồn vốn năm {budget_year}", "en": "Funds of {budget_year}"},
    "report.part_all_units": {"vi": "Tổng hợp chung các đơn vị", "en": "All units together"},
    "report.total_carried": {"vi": "Tổng nguồn vốn{kind} năm {budget_year} kéo dài thực hiện năm {execution_year} là {allocated}", "en": "The {kind}funds of {budget_year} carried over to {execution_year} total {allocated}"},
    "report.total_year": {"vi": "Tổng nguồn vốn{kind} năm {budget_year} là {allocated}", "en": "The {kind}funds of {budget_year} total {allocated}"},
    "report.total_units": {"vi": "Tổng nguồn vốn{kind} của {count} đơn vị là {allocated}", "en": "The {kind}funds of the {count} units total {allocated}"},
    "report.total_unit": {"vi": "Tổng nguồn vốn{kind} của đơn vị là {allocated}", "en": "The unit's {kind}funds total {allocated}"},
    "report.disbursed_by": {"vi": "; đến ngày {as_of} đã giải ngân {disbursed}, đạt {rate}", "en": "; by {as_of}, {disbursed} has been disbursed ({rate})"},
    "report.figures": {"vi": "kế hoạch vốn {allocated}, đã giải ngân {disbursed}, đạt {rate}", "en": "allocation {allocated}, disbursed {disbursed} ({rate})"},
    "report.remaining": {"vi": "; còn {shortfall} phải giải ngân trước {deadline}, bình quân {monthly}/tháng", "en": "; {shortfall} remains to be disbursed before {deadline}, {monthly} a month on average"},
    "report.remaining_late": {"vi": "; còn {shortfall} chưa giải ngân, đã quá hạn giải ngân {deadline}", "en": "; {shortfall} remains undisbursed and the deadline {deadline} has passed"},
    "report.amount": {"vi": "{x} triệu đồng", "en": "{x} million VND"},
    "report.unknown": {"vi": "chưa xác định (có ô số liệu không đọc được)", "en": "unknown (a figure could not be read)"},
    "report.project": {"vi": "Dự án {n}", "en": "Project {n}"},
    "report.sub_project": {"vi": "Tiểu dự án {n}", "en": "Sub-project {n}"},
    "report.source": {"vi": "nguồn {source}", "en": "{source}"},
    "report.status.over": {"vi": "Số giải ngân vượt kế hoạch vốn được giao; đề nghị kiểm tra, điều chỉnh lại số liệu.", "en": "More has been disbursed than allocated; the figures need checking."},
    "report.status.no_allocation": {"vi": "Chưa có kế hoạch vốn được giao cho nội dung này; đề nghị kiểm tra lại số liệu.", "en": "No allocation has been given for this item; the figures need checking."},
    "report.status.met": {"vi": "Đã đạt mục tiêu giải ngân {target} kế hoạch vốn.", "en": "The disbursement target of {target} of the allocation is met."},
    "report.status.missed": {"vi": "Đã hết hạn giải ngân ngày {deadline} nhưng chưa đạt mục tiêu {target} kế hoạch vốn.", "en": "The deadline {deadline} has passed without reaching the target of {target} of the allocation."},
    "report.status.behind": {"vi": "Tiến độ giải ngân chậm so với tiến độ cần đạt ({expected} kế hoạch vốn đến ngày {as_of}).", "en": "Disbursement is behind the pace required ({expected} of the allocation by {as_of})."},
    "report.status.at_risk": {"vi": "Theo tốc độ giải ngân bình quân hiện nay, đến ngày {deadline} dự kiến chỉ giải ngân được {projection}; có nguy cơ không đạt mục tiêu.", "en": "At the present average pace only {projection} would be disbursed by {deadline}; the target is at risk."},
    "report.status.on_track": {"vi": "Tiến độ giải ngân đáp ứng yêu cầu, dự kiến hoàn thành trước ngày {deadline}.", "en": "Disbursement is on track to be completed before {deadline}."},
    "report.status.incomplete": {"vi": "Số liệu chưa đầy đủ (có ô trong báo cáo không đọc được) nên chưa đánh giá được tiến độ; đề nghị bổ sung số liệu.", "en": "The figures are incomplete (a cell of the report could not be read), so progress cannot be judged yet; the figures need completing."},
    "report.status.other": {"vi": "Tình trạng: {label}.", "en": "Status: {label}."},
    "report.work": {"vi": "[Nêu nội dung đã triển khai, khó khăn, vướng mắc và giải pháp]", "en": "[Describe the work done, the obstacles and what is being done about them]"},
    "report.assessment": {"vi": "[Đánh giá chung tình hình, tiến độ thực hiện nguồn vốn]", "en": "[Overall assessment of the progress of these funds]"},
    "report.proposals": {"vi": "II. ĐỀ XUẤT ĐIỀU CHỈNH VỐN", "en": "II. PROPOSED ADJUSTMENTS OF FUNDS"},
    "report.proposal": {"vi": "Năm {year}, {what}: mức vốn thông báo {ceiling}, nhu cầu đề xuất {proposal} ({change}).", "en": "{year}, {what}: notified ceiling {ceiling}, proposed {proposal} ({change})."},
    "report.proposal_more": {"vi": "tăng {diff} so với mức thông báo", "en": "{diff} above the ceiling"},
    "report.proposal_less": {"vi": "giảm {diff} so với mức thông báo", "en": "{diff} below the ceiling"},
    "report.proposal_same": {"vi": "giữ nguyên mức thông báo", "en": "the same as the ceiling"},
    "report.proposal_reason": {"vi": "Lý do: {reason}", "en": "Reason: {reason}"},
    "report.proposals_none": {"vi": "[Nêu đề xuất điều chỉnh vốn các năm tiếp theo (nếu có). Có thể đặt vào thư mục số liệu một bảng đề xuất tạo bằng lệnh: reconcile template --proposals de-xuat.xlsx]", "en": "[State the proposed adjustments for the coming years, if any. A proposals sheet made with `reconcile template --proposals proposals.xlsx` can be put in the data folder]"},
    "report.closing": {"vi": "{unit} báo cáo {recipient} xem xét, tổng hợp./.", "en": "{unit} submits this report to {recipient} for consideration./."},
    "report.recipients": {"vi": "Nơi nhận:", "en": "Recipients:"},
    "report.recipients_default": {"vi": "Như trên;\nLưu: VT.", "en": "As above;\nFiles: VT."},
    "report.superior_missing": {"vi": "[CƠ QUAN CẤP TRÊN]", "en": "[SUPERIOR BODY]"},
    "report.unit_missing": {"vi": "[TÊN ĐƠN VỊ]", "en": "[UNIT NAME]"},
    "report.prefix_missing": {"vi": "BC-[viết tắt tên đơn vị]", "en": "BC-[unit initials]"},
    "report.place_missing": {"vi": "[Địa danh]", "en": "[Place]"},
    "report.signer_title_missing": {"vi": "[CHỨC VỤ NGƯỜI KÝ]", "en": "[SIGNER'S TITLE]"},
    "report.signer_name_missing": {"vi": "[Họ và tên]", "en": "[Full name]"},
    "report.appendix": {"vi": "Phụ lục", "en": "Appendix"},
    "report.appendix_title": {"vi": "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN {funds}", "en": "DISBURSEMENT OF {funds}"},
    "report.appendix_of": {"vi": "(Kèm theo Báo cáo số       /{prefix} ngày {date} của {unit})", "en": "(Attached to report No.       /{prefix} of {date} by {unit})"},
    "report.money_unit": {"vi": "Đơn vị tính: triệu đồng", "en": "Amounts in million VND"},
    "report.col_no": {"vi": "STT", "en": "No."},
    "report.col_content": {"vi": "Nội dung", "en": "Item"},
    "report.col_allocated": {"vi": "Kế hoạch vốn được giao", "en": "Allocation"},
    "report.col_disbursed": {"vi": "Giải ngân lũy kế đến {as_of}", "en": "Disbursed up to {as_of}"},
    "report.col_rate": {"vi": "Tỷ lệ giải ngân (%)", "en": "Rate (%)"},
    "report.col_note": {"vi": "Ghi chú", "en": "Note"},
    "report.col_total": {"vi": "Tổng số", "en": "Total"},
    "report.grand_total": {"vi": "TỔNG CỘNG", "en": "TOTAL"},
    "proposals.title": {"vi": "ĐỀ XUẤT ĐIỀU CHỈNH VỐN SỰ NGHIỆP CÁC NĂM TIẾP THEO (đơn vị tính: triệu đồng)", "en": "ĐỀ XUẤT ĐIỀU CHỈNH VỐN SỰ NGHIỆP CÁC NĂM TIẾP THEO (đơn vị tính: triệu đồng)"},
    "proposals.hint": {"vi": "Mỗi dòng một dự án/tiểu dự án của một năm. Đặt tệp vào thư mục số liệu: báo cáo rà soát sẽ có phần II. Đề xuất điều chỉnh vốn.", "en": "One row per project/sub-project and year. Put this file in the data folder: the review report then has part II, proposed adjustments."},
    "cli.proposals_written": {"vi": "Đã tạo biểu mẫu đề xuất điều chỉnh vốn: {path}", "en": "Proposals form written: {path}"},
    "cli.report_too_big": {"vi": "Chưa tạo báo cáo rà soát (.docx): thư mục có {keys} khoản mục (quá {limit}). Chạy riêng: reconcile report \"{folder}\"", "en": "The review report (.docx) was not written: the folder holds {keys} keys (over {limit}). Write it on its own: reconcile report \"{folder}\""},
    "cli.report_written": {"vi": "Đã ghi báo cáo rà soát: {path}", "en": "Review report written: {path}"},
}
# fmt: on


#: When this environment variable is set, :func:`msg` raises on a key the catalogue lacks (or lacks in
#: the language asked) and on a template its parameters do not fill, instead of falling back.
#: tests/conftest.py sets it, so that a missing message fails the test that shows it; a user never
#: sees a traceback for a missing word.
STRICT_ENV = "RECONCILE_STRICT_MESSAGES"


def msg(key: str, lang: str = "vi", **params: Any) -> str:
    """Render catalogue entry ``key`` in ``lang`` (falls back to Vietnamese, then to the key; raises
    KeyError instead when :data:`STRICT_ENV` is set)."""
    strict = STRICT_ENV in os.environ
    entry = MESSAGES.get(key)
    if entry is None or (strict and lang not in entry):
        if strict:
            raise KeyError(f"message {key!r} is not in the catalogue in {lang!r}")
        return key
    template = entry.get(lang) or entry["vi"]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        if strict:
            raise
        return template


def fmt_number(x: float | None, decimals: int = 1, lang: str = "vi", trim: bool = True) -> str:
    """Format a number the way the reader writes it: ``1.571,6`` (vi) or ``1,571.6`` (en)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    s = _spreadsheet_rounded(x, decimals)
    if trim and "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    if lang == "vi":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def _spreadsheet_rounded(x: float, decimals: int) -> str:
    """``x`` with ``decimals`` decimals and thousands commas, rounded as a spreadsheet shows it: its 15
    significant digits, then half away from zero (Python's own rounding of the binary value shows 51,2%
    for a rate Excel and LibreOffice show as 51,3%, 0.5125)."""
    if not math.isfinite(x):
        return f"{x:,.{decimals}f}"
    try:
        d = Decimal(f"{x:.15g}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # beyond Decimal's 28 digits: no figure of a budget is
        return f"{x:,.{decimals}f}"
    return f"{d:,.{decimals}f}"


def fmt_amount(x: float | None, lang: str = "vi") -> str:
    """An amount in triệu đồng, with up to 3 decimals (1 đồng = 0.000001 triệu is not shown)."""
    return fmt_number(x, 3, lang)


def fmt_rate(fraction: float | None, lang: str = "vi") -> str:
    """A rate as percent with one decimal: ``0.788 -> 78,8%``."""
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return "-"
    return fmt_number(fraction * 100, 1, lang, trim=False) + "%"


def fmt_date(d: dt.date | None, lang: str = "vi") -> str:
    """A date as the reader writes it: 30/9/2023 (vi) or 2023-09-30 (en)."""
    if d is None:
        return "-"
    if lang == "vi":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return d.isoformat()


def status_label(code: str, lang: str = "vi") -> str:
    """The localised label of a status code."""
    return msg(f"status.{code}", lang)


def format_params(params: dict[str, Any], lang: str = "vi") -> dict[str, str]:
    """Format raw finding parameters for ``lang`` (see the module docstring)."""
    out: dict[str, str] = {}
    for k, v in params.items():
        if k.endswith("_rate") and isinstance(v, int | float):
            out[k] = fmt_rate(float(v), lang)
        elif isinstance(v, bool):
            out[k] = str(v)
        elif isinstance(v, int | float):
            out[k] = fmt_amount(float(v), lang)
        elif isinstance(v, dt.date):
            out[k] = fmt_date(v, lang)
        elif isinstance(v, list | tuple):
            out[k] = ", ".join(str(x) for x in v)
        else:
            out[k] = "" if v is None else str(v)
    return expand_keys(params, out, lang)


def expand_keys(params: dict[str, Any], formatted: dict[str, str], lang: str = "vi") -> dict[str, str]:
    """Render each param ``x_key`` naming a catalogue entry as ``x`` in ``lang``.

    reason_key -> {reason}, detail_key -> {detail}; reason_key goes last so that its template can use
    the others. ``formatted`` holds the other params already as text and is returned completed.
    """
    for k in sorted((k for k in params if k.endswith("_key")), key=lambda k: (k == "reason_key", k)):
        if isinstance(params[k], str) and params[k] in MESSAGES:
            formatted[k[: -len("_key")]] = msg(params[k], lang, **formatted)
    return formatted


def finding_message(code: str, params: dict[str, Any], lang: str = "vi") -> str:
    """The localised message of a finding (``params["message_key"]`` picks a more specific wording)."""
    key = params.get("message_key") or f"finding.{code}"
    return msg(str(key), lang, **format_params(params, lang))

"""Every user-facing word, in Vietnamese and English, in one catalogue.

``msg(key, lang, **params)`` renders one entry. Finding parameters are raw values; they are formatted
for the reader's language by :func:`format_params`: floats as amounts (``1.571,6``), dates as
``30/09/2023``, and parameters whose name ends in ``_rate`` (fractions) as ``78,8%``.
"""

from __future__ import annotations

import datetime as dt
import math
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
    "finding.ambiguous_number": {
        "vi": "Số \"{value}\" có thể đọc là {as_vi} (kiểu Việt Nam) hoặc {as_us} (kiểu Mỹ); đã đọc là {used}. Kiểm tra lại.",
        "en": "\"{value}\" reads as {as_vi} (Vietnamese style) or {as_us} (US style); read as {used}. Please check.",
    },
    "finding.formula_without_value": {
        "vi": "Công thức {formula} chưa có giá trị đã tính; mở tệp trong Excel/LibreOffice, lưu lại rồi chạy lại.",
        "en": "Formula {formula} has no calculated value; open and save the file in Excel/LibreOffice and run again.",
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
    "reason.hidden_sheet": {"vi": "trang tính bị ẩn", "en": "the sheet is hidden"},
    "reason.encrypted": {"vi": "tệp có mật khẩu; hãy gỡ mật khẩu rồi chạy lại", "en": "the file is password-protected; remove the password and run again"},
    "reason.corrupt": {"vi": "tệp bị hỏng hoặc không phải bảng tính ({detail}); hãy mở và lưu lại trong Excel", "en": "the file is corrupt or not a spreadsheet ({detail}); open and save it again in Excel"},
    "reason.empty_file": {"vi": "tệp rỗng (0 byte)", "en": "the file is empty (0 bytes)"},
    "reason.zip_bomb": {"vi": "tệp giải nén quá lớn ({size}); từ chối đọc để bảo vệ máy", "en": "the file unpacks too large ({size}); refused to protect the machine"},
    "reason.xml_entity": {"vi": "tệp chứa khai báo thực thể XML (có thể là tấn công); từ chối đọc", "en": "the file declares XML entities (a possible attack); refused"},
    # discovery and pre-read checks (reconcile.discover, reconcile.safety)
    "reason.resource_fork": {"vi": "tệp phụ do máy Mac tạo ra (tên bắt đầu bằng ._), không phải bảng tính", "en": "a macOS metadata file (name starting with ._), not a spreadsheet"},
    "reason.hidden_folder": {"vi": "thư mục ẩn; các tệp trong đó không được đọc", "en": "a hidden folder; the files in it are not read"},
    "reason.output_folder": {"vi": "thư mục kết quả của chính công cụ; các tệp trong đó không được đọc", "en": "this tool's own output folder; the files in it are not read"},
    "reason.folder_unreadable": {"vi": "không mở được thư mục này (không có quyền hoặc thư mục bị hỏng); các tệp trong đó không được đọc", "en": "this folder cannot be opened (no permission, or it is damaged); the files in it are not read"},
    "reason.broken_link": {"vi": "lối tắt (liên kết) trỏ tới tệp không còn tồn tại", "en": "a link to a file that no longer exists"},
    "reason.link_loop": {"vi": "liên kết thư mục trỏ về thư mục đã đọc; bỏ qua để không đọc hai lần", "en": "a folder link pointing to a folder already read; skipped so nothing is read twice"},
    "reason.same_file": {"vi": "cùng một tệp với {other} (qua liên kết); chỉ đọc một lần", "en": "the same file as {other} (through a link); read once"},
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
    "config.pace": {"vi": "pace phải là 12 số phần trăm, tháng 1 đến tháng 12", "en": "pace must be 12 percentages, January to December"},
    "config.alias": {"vi": "\"{label}\" phải trỏ tới \"dự án\" hoặc \"dự án.tiểu dự án\", ví dụ \"6.1\"", "en": "\"{label}\" must name \"project\" or \"project.sub_project\", e.g. \"6.1\""},
    "cli.output_readonly": {"vi": "Không ghi được vào thư mục kết quả {folder} (không có quyền ghi). Chọn thư mục khác bằng --out.", "en": "Cannot write to the output folder {folder} (no permission). Choose another with --out."},
    "cli.output_locked": {"vi": "Tệp {file} đang mở trong Excel: đóng tệp trong Excel rồi chạy lại (hoặc dùng --on-locked rename).", "en": "{file} is open in Excel: close the file in Excel and run again (or use --on-locked rename)."},
    "output.worker_stopped": {"vi": "tiến trình ghi tệp này dừng giữa chừng (có thể do thiếu bộ nhớ)", "en": "the process writing it stopped part-way (perhaps out of memory)"},
    "cli.output_failed": {"vi": "Không ghi được {file}: {detail}. Kiểm tra dung lượng đĩa và quyền ghi rồi chạy lại.", "en": "Could not write {file}: {detail}. Check the disk space and permissions and run again."},
    "cli.output_inside_input": {"vi": "Thư mục kết quả {folder} trùng với một tệp đầu vào; chọn thư mục khác bằng --out.", "en": "The output folder {folder} would overwrite an input; choose another with --out."},
    "cli.done": {"vi": "Đã đọc {files} tệp, {items} dòng số liệu, {keys} khoản mục; {errors} lỗi, {warnings} cảnh báo. Kết quả: {out}", "en": "Read {files} files, {items} line items, {keys} keys; {errors} errors, {warnings} warnings. Output: {out}"},
    # ---- reconcile watch (watch.py) ------------------------------------------------------------
    "watch.started": {"vi": "Đang theo dõi thư mục {folder}; kết quả ghi vào {out}. Nhấn Ctrl+C để dừng.", "en": "Watching {folder}; outputs go to {out}. Press Ctrl+C to stop."},
    "watch.polling": {"vi": "Kiểm tra thư mục định kỳ (--poll), vài giây một lần.", "en": "Checking the folder every few seconds (--poll)."},
    "watch.polling_network": {"vi": "Thư mục nằm trên ổ mạng: kiểm tra định kỳ vài giây một lần thay vì chờ thông báo thay đổi.", "en": "The folder is on a network drive: checking it every few seconds instead of waiting for change events."},
    "watch.first": {"vi": "Lần chạy đầu, {files} tệp bảng tính", "en": "First run, {files} spreadsheets"},
    "watch.nothing": {"vi": "không có tệp nào đọc được; chờ thay đổi tiếp theo.", "en": "nothing readable; waiting for the next change."},
    "watch.added": {"vi": "{n} tệp mới ({names})", "en": "{n} new ({names})"},
    "watch.changed": {"vi": "{n} tệp sửa ({names})", "en": "{n} changed ({names})"},
    "watch.removed": {"vi": "{n} tệp bị xoá ({names})", "en": "{n} removed ({names})"},
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
    "cli.progress": {"vi": "Đang đọc tệp", "en": "Reading files"},
    # ---- reconciliation workbook (writers/workbook.py) -----------------------------------------
    "wb.sheet.summary": {"vi": "Tổng hợp", "en": "Summary"},
    "wb.sheet.progress": {"vi": "Tiến độ theo tháng", "en": "Monthly progress"},
    "wb.sheet.findings": {"vi": "Cảnh báo", "en": "Findings"},
    "wb.sheet.data": {"vi": "Dữ liệu", "en": "Data"},
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
}
# fmt: on


def msg(key: str, lang: str = "vi", **params: Any) -> str:
    """Render catalogue entry ``key`` in ``lang`` (falls back to Vietnamese, then to the key)."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["vi"]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def fmt_number(x: float | None, decimals: int = 1, lang: str = "vi", trim: bool = True) -> str:
    """Format a number the way the reader writes it: ``1.571,6`` (vi) or ``1,571.6`` (en)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    s = f"{x:,.{decimals}f}"
    if trim and "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    if lang == "vi":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


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

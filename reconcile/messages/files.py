"""Words about the user's files: the annotated copies (``ann.``), the parts of a workbook a copy
cannot keep (``part.``), and why a file, folder or sheet is skipped or unreadable (``reason.``, ``detail.``).

Part of the catalogue :data:`reconcile.messages.MESSAGES`: a key stands in one part only.
"""

# fmt: off
ENTRIES: dict[str, dict[str, str]] = {
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
}
# fmt: on

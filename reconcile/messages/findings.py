"""Words of the results: statuses, severities, fund sources and the findings (``finding.<code>``,
one entry per code of :mod:`reconcile.findings`; its params are pre-formatted strings).

Part of the catalogue :data:`reconcile.messages.MESSAGES`: a key stands in one part only.
"""

# fmt: off
ENTRIES: dict[str, dict[str, str]] = {
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
}
# fmt: on

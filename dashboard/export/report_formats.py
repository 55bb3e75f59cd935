"""The report pack's formats and words, apart from the drawing code (the command line
builds its parser from them without importing matplotlib)."""

REPORT_FORMATS = {
    "pptx": "PowerPoint (16:9)",
    "pdf": "PDF nhiều trang (A4 ngang)",
    "docx": "Word (báo cáo)",
}
REPORT_MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DEFAULT_TITLE = "Bản đồ mô hình tự quản về an ninh trật tự"

"""Writers render a finished Result: the reconciliation workbook, the CSVs and the annotated copies."""

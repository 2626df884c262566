"""reconcile: disbursement reconciliation for the National Target Programme for Sustainable Poverty Reduction."""

__version__ = "0.1.0"

"""Interchange with the practice's EHR: CSV panel import, FHIR R4 import and export,
the monthly summary. Code here calls services; it never imports the store."""

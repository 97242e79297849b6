"""reportlab documents. No patient data in PDF metadata."""

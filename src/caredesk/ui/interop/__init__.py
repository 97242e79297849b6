"""Bringing a panel in (the CSV wizard, a FHIR bundle) and sending it out (a FHIR bundle):
the import preview, the dialogs and their File menu actions."""

"""The patient list and the patient's chart with its tabs."""

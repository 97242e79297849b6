"""Screening instruments in the GUI: the guided interview and the safety protocol's notice (issue 10)."""

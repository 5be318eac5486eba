"""Vocabularies the extraction engine reads, one folder per language (data, not code)."""

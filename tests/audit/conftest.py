"""Fixtures for the audit tests."""

"""Themes and innovation profiles (API v1.1 § Themes and data that stays true)."""

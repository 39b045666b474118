"""Judging rules: ranking (totals, means, z-scores, ties, cuts) and reviewer assignment."""

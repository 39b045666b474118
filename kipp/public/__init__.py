"""Reads for visitors without an account: the public home, published results and open data."""

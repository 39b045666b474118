"""Drafting units: accounts under an agency that draft its proposals (role `drafter`)."""

"""Publication of final selections: objections (masa sanggah), amendments and decrees."""

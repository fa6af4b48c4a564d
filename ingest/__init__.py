"""Build time: files -> documents -> cleaned text -> chunks -> embeddings -> index folder."""

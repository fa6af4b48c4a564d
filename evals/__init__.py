"""Evaluation against gold sets in the FORMAT.md format (evals/gold/dev/FORMAT.md)."""

"""Study files that chain the stages (not written yet)."""

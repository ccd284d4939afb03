"""Helpers shared by the generated modules; ``hip._util.types`` holds HIP Python's adapter types."""

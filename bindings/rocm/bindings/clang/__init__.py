"""``rocm.bindings.clang``: AMD's name for libclang's Python binding; ``cindex`` is PyPI's ``libclang``."""
__all__ = ["cindex"]

"""Read a file the user (or a HIP tree) points at without blocking or reading without bound.

``open()`` on a FIFO blocks until a writer comes, and reading a character device can go on
forever: only regular files are read.  The file is opened non-blocking and checked with
``fstat`` on the open descriptor (no race with a rename in between).
"""
from __future__ import annotations

import os
import stat

LIMIT = 64 << 20     # more than any manifest, index page or source file the resolver reads


class NotRegularFile(OSError):
    """The path exists but is a FIFO, device, socket or directory."""


def read_bytes(path, limit: int = LIMIT) -> bytes:
    """The bytes of the regular file ``path``; OSError (NotRegularFile, ...) otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = "a directory" if stat.S_ISDIR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode) else \
                "not a regular file"
            raise NotRegularFile(f"{os.fsdecode(path)} is {kind}; refusing to read it")
        if st.st_size > limit:
            raise OSError(f"{os.fsdecode(path)} is {st.st_size} bytes, more than the {limit} this reads")
        chunks, size = [], 0
        while size <= limit:
            block = os.read(fd, 1 << 20)
            if not block:
                break
            chunks.append(block)
            size += len(block)
        return b"".join(chunks)[:limit]
    finally:
        os.close(fd)


def open_regular(path):
    """A binary file object of the regular file ``path`` (for zipfile); OSError otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(f"{os.fsdecode(path)} is not a regular file; refusing to read it")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_text(path, limit: int = LIMIT, errors: str = "replace") -> str:
    return read_bytes(path, limit).decode("utf-8", errors)

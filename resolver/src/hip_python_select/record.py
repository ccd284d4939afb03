"""A wheel's RECORD: reading its rows and hashing a file as it does (used by install and txn)."""
from __future__ import annotations

import base64
import csv
import hashlib
import io
from typing import List


def record_hash(data: bytes, algo: str) -> str:
    return base64.urlsafe_b64encode(hashlib.new(algo, data).digest()).rstrip(b"=").decode()


def read_record(text: str) -> List[tuple]:
    """(path, algo, digest, size) rows of a RECORD file; empty algo for unhashed rows."""
    rows = []
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        path, h, size = (row + ["", ""])[:3]
        algo, _, digest = h.partition("=")
        rows.append((path, algo, digest, size))
    return rows

"""Child process of run.py: one fresh ``from hip import hip, hiprtc``, measured from inside.

    python importtime.py [--tracemalloc] [--first-call [--amd]]

Prints JSON: ``import_ms`` (perf_counter around the import statement), ``peak_rss_kb`` (growth
of the process's peak resident set, VmHWM, across it: the modules' pages, what they allocate,
any library they open; ru_maxrss is not used, a child inherits its parent's), with
--first-call also ``first_call_ms`` (the first hipGetErrorName, which opens and initialises
the HIP runtime when the import did not) and ``peak_rss_after_call_kb``, with --tracemalloc
``traced_peak_kb`` (peak Python-heap allocation of the import; a separate run, tracing slows
the import).
"""
import json
import sys
import time


def rss_kb() -> int:
    """Peak resident set size of this process so far (VmHWM), in KB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> None:
    trace = "--tracemalloc" in sys.argv
    if trace:
        import tracemalloc
        tracemalloc.start()
    rss0 = rss_kb()
    t0 = time.perf_counter()
    from hip import hip, hiprtc  # noqa: F401  -- the measured statement
    t1 = time.perf_counter()
    out = {"import_ms": (t1 - t0) * 1e3, "peak_rss_kb": rss_kb() - rss0}
    if trace:
        out["traced_peak_kb"] = tracemalloc.get_traced_memory()[1] / 1024
    if "--first-call" in sys.argv:
        err = hip.hipError_t(100) if "--amd" in sys.argv else 100   # AMD's takes the enum only
        t2 = time.perf_counter()
        hip.hipGetErrorName(err)
        out["first_call_ms"] = (time.perf_counter() - t2) * 1e3
        out["peak_rss_after_call_kb"] = rss_kb() - rss0
    print(json.dumps(out))


if __name__ == "__main__":
    main()

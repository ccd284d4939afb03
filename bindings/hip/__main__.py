"""``python -m hip``: this wheel's versions and the HIP libraries it opens, and why."""
import json
import sys


def main() -> int:
    import hip
    from hip import _hipfacts, _loader

    out = {"hip-python": hip.__version__, "generated_from_hip": hip.HIP_VERSION_STRING}
    try:
        from hip import hip as h, hiprtc

        err, packed = h.hipRuntimeGetVersion()
        out["runtime_hip_version"] = "%d.%d.%d" % _hipfacts.unpack(packed)
        out["runtime_status"] = getattr(err, "name", err)
        hiprtc._library()
    except Exception as exc:  # noqa: BLE001 - report what went wrong instead of a traceback
        out["error"] = f"{type(exc).__name__}: {exc}"
    out["libraries"] = _loader.report()
    if "--json" in sys.argv:
        print(json.dumps(out, indent=1))
        return 0 if "error" not in out else 1
    print(f"hip-python {out['hip-python']} (generated from HIP {out['generated_from_hip']} headers)")
    if "runtime_hip_version" in out:
        print(f"runtime: HIP {out['runtime_hip_version']}")
    for lib in out["libraries"]:
        print(f"{lib['module']}: {lib['path']} (found via {lib['found_via']})")
        for miss in lib["misses"]:
            print(f"  tried {miss['path']} ({miss['found_via']}): {miss['error']}")
    if "error" in out:
        print(out["error"])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

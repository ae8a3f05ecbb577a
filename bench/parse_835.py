"""Measure 835 parsing speed and peak memory: ours, pyx12 and edi-835-parser.

    python bench/parse_835.py --claims 100000
    python bench/parse_835.py --file remit.835 --other-python /tmp/benchvenv/bin/python

Each parser runs in its own subprocess so the peak RSS (VmHWM, else ru_maxrss, of that
process) is its own. pyx12 and edi-835-parser are not project dependencies and nothing
is installed here: a parser that cannot be imported is reported as "not installed".
Point --other-python at an interpreter that has them (a throwaway venv).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> float:
    """Peak RSS of this process in MiB.

    VmHWM belongs to the process image, so unlike ru_maxrss (kept across execve on
    Linux) it does not inherit the parent's peak when the parent generated a big file.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure_overturn(path: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from remits.x12 import Claim, TransactionEnd, read_835

    start = time.perf_counter()
    claims = issues = 0
    for event in read_835(path):
        if type(event) is Claim:
            claims += 1
        elif type(event) is TransactionEnd:
            issues += len(event.transaction.issues)
    seconds = time.perf_counter() - start
    return {"claims": claims, "seconds": seconds, "issues": issues}


def measure_pyx12(path: str) -> dict:
    import pyx12.error_handler
    import pyx12.params
    import pyx12.x12context

    start = time.perf_counter()
    claims = 0
    param = pyx12.params.params()
    errh = pyx12.error_handler.errh_null()
    with open(path) as fd:
        reader = pyx12.x12context.X12ContextReader(param, errh, fd)
        for node in reader.iter_segments("2100"):
            if node.id == "2100":
                claims += 1
    seconds = time.perf_counter() - start
    return {"claims": claims, "seconds": seconds}


def measure_edi_835_parser(path: str) -> dict:
    from edi_835_parser import parse

    start = time.perf_counter()
    parsed = parse(path)
    sets = parsed if isinstance(parsed, list) else [parsed]
    claims = 0
    for ts in sets:
        for t in getattr(ts, "transaction_sets", None) or [ts]:
            claims += len(t.claims)
    seconds = time.perf_counter() - start
    return {"claims": claims, "seconds": seconds}


MEASURES = {
    "overturn": measure_overturn,
    "pyx12": measure_pyx12,
    "edi-835-parser": measure_edi_835_parser,
}


def child(lib: str, path: str) -> None:
    try:
        result = MEASURES[lib](path)
    except ImportError as exc:
        result = {"error": f"not installed ({exc.name})"}
    except Exception as exc:  # report, do not crash the table
        result = {"error": f"{type(exc).__name__}: {exc}"[:200]}
    result["peak_mb"] = _peak_mb()
    print(json.dumps(result))


def run_child(python: str, lib: str, path: str, timeout: int) -> dict:
    cmd = [python, str(Path(__file__).resolve()), "--_measure", lib, "--file", path]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout}s"}
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": (proc.stderr.strip().splitlines() or ["no output"])[-1][:200]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--claims-per-transaction", type=int, default=500)
    ap.add_argument("--file", help="parse this file instead of generating one")
    ap.add_argument(
        "--other-python",
        default=sys.executable,
        help="interpreter for pyx12 and edi-835-parser",
    )
    ap.add_argument("--only", choices=sorted(MEASURES), action="append")
    ap.add_argument("--timeout", type=int, default=1800)
    ap.add_argument("--_measure", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args._measure:
        child(args._measure, args.file)
        return

    tmp = None
    path = args.file
    if path is None:
        sys.path.insert(0, str(ROOT))
        from remits.x12 import generate_835

        tmp = tempfile.TemporaryDirectory()
        path = os.path.join(tmp.name, f"generated-{args.claims}.835")
        with open(path, "w") as out:
            summary = generate_835(
                out,
                claims=args.claims,
                seed=args.seed,
                claims_per_transaction=args.claims_per_transaction,
            )
        print(
            f"generated {summary.claims} claims in {summary.transactions} transaction "
            f"sets ({os.path.getsize(path) / 1e6:.1f} MB)"
        )
    else:
        print(f"file {path} ({os.path.getsize(path) / 1e6:.1f} MB)")

    print()
    print("| parser | claims | seconds | claims/s | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|")
    for lib in args.only or list(MEASURES):
        python = sys.executable if lib == "overturn" else args.other_python
        r = run_child(python, lib, path, args.timeout)
        if "error" in r:
            print(f"| {lib} | {r['error']} | | | |")
            continue
        rate = r["claims"] / r["seconds"] if r["seconds"] else float("inf")
        print(
            f"| {lib} | {r['claims']} | {r['seconds']:.2f} | {rate:,.0f} | "
            f"{r['peak_mb']:.0f} |"
        )
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""A partitioned boxrank run on Dask distributed: a scheduler and worker processes on
loopback, the manifest cut into file chunks (byte ranges at record boundaries, the header
repeated), `boxrank rank - --partial` on the workers, one per chunk, the partials gathered to
the client, `boxrank merge` there (docs/scale.md).

    /usr/bin/python3 bench/dask_rank.py MANIFEST --rules PACK [--profile FILE] --out DIR \\
        [--partitions 4] [--workers 2] [--seed S] [--date YYYY-MM-DD] [--no-store | --db DB]

The lists in DIR are those `boxrank rank MANIFEST` writes with the same pack, seed and date.
Figures (wall time of each phase, peak RSS of every boxrank process) go to standard output as
one JSON object. The workers read MANIFEST by path: on a real cluster it sits on storage every
worker reaches; the partials come back to the client through Dask.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chunks  # noqa: E402


def run_measured(cmd, stdin_writer=None, stderr_path=None):
    """Runs cmd, feeding its standard input from stdin_writer(pipe) when given. Returns
    (exit status, wall seconds, peak RSS in MiB) of that process alone."""
    start = time.monotonic()
    with open(stderr_path or os.devnull, "wb") as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin_writer else None,
                                stderr=err)
        if stdin_writer:
            try:
                stdin_writer(proc.stdin)
            finally:
                proc.stdin.close()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, time.monotonic() - start, usage.ru_maxrss / 1024


def rank_partition(boxrank, manifest, header_end, start, end, rank_args):
    """On a worker: ranks bytes [start, end) of the manifest, after its header, as one
    partition. Returns what the client needs: the partial's bytes and the figures."""
    work = tempfile.mkdtemp(prefix="br-dask-")
    try:
        partial = os.path.join(work, "part")
        header = chunks.read_header(manifest, header_end)

        def feed(pipe):
            chunks.copy_range(manifest, start, end, pipe, header)

        errors = os.path.join(work, "stderr")
        status, wall, rss = run_measured(
            [boxrank, "rank", "-", "--partial", partial, "-q"] + rank_args, feed, errors)
        with open(errors, "rb") as f:
            stderr = f.read().decode("utf-8", "replace")
        rejects = partial + ".rejects.csv"
        rejected = open(rejects, "rb").read() if os.path.exists(rejects) else b""
        # 3: rows rejected, 4: rule errors, 5: both; the merge reports them over every chunk.
        if status not in (0, 3, 4, 5):
            raise RuntimeError(f"boxrank rank of bytes {start}-{end}: exit {status}: {stderr}")
        with open(partial, "rb") as f:
            data = f.read()
        return {"bytes": end - start, "wall_s": wall, "rss_mib": rss, "partial": data,
                "rejects": rejected, "worker_pid": os.getpid()}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("manifest")
    ap.add_argument("--rules", required=True)
    ap.add_argument("--profile")
    ap.add_argument("--out", required=True)
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1, help="boxrank threads per partition")
    ap.add_argument("--seed")
    ap.add_argument("--date")
    ap.add_argument("--db")
    ap.add_argument("--no-store", action="store_true")
    ap.add_argument("--boxrank", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "build", "cli", "boxrank"))
    args = ap.parse_args()
    if args.partitions < 1 or args.workers < 1:
        ap.error("--partitions and --workers take 1 or more")

    from dask.distributed import Client, LocalCluster

    boxrank = os.path.abspath(args.boxrank)
    manifest = os.path.abspath(args.manifest)
    rank_args = ["--rules", os.path.abspath(args.rules), "--threads", str(args.threads)]
    if args.profile:
        rank_args += ["--profile", os.path.abspath(args.profile)]
    if args.date:
        rank_args += ["--date", args.date]
    if args.no_store:
        rank_args.append("--no-store")
    if args.db:
        rank_args += ["--db", os.path.abspath(args.db)]

    figures = {"manifest": args.manifest, "partitions": args.partitions,
               "workers": args.workers, "threads_per_partition": args.threads}
    t0 = time.monotonic()
    header_end, ranges = chunks.cut(manifest, args.partitions)
    figures["cut_s"] = time.monotonic() - t0

    t1 = time.monotonic()
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        figures["cluster_start_s"] = time.monotonic() - t1
        t2 = time.monotonic()
        futures = [client.submit(rank_partition, boxrank, manifest, header_end, start, end,
                                 rank_args, pure=False) for start, end in ranges]
        results = client.gather(futures)
        figures["rank_s"] = time.monotonic() - t2
        figures["worker_processes"] = len({r["worker_pid"] for r in results})

    parts_dir = os.path.join(args.out, "partials")
    os.makedirs(parts_dir, exist_ok=True)
    paths = []
    for i, r in enumerate(results, 1):
        path = os.path.join(parts_dir, f"part{i}.part")
        with open(path, "wb") as f:
            f.write(r["partial"])
        if r["rejects"]:
            with open(path + ".rejects.csv", "wb") as f:
                f.write(r["rejects"])
        paths.append(path)
    figures["partitions_detail"] = [
        {"bytes": r["bytes"], "wall_s": round(r["wall_s"], 3), "rss_mib": round(r["rss_mib"], 1),
         "partial_bytes": len(r["partial"])} for r in results]

    merge = [boxrank, "merge"] + paths + ["--rules", os.path.abspath(args.rules),
                                           "--out", args.out, "-q"]
    if args.seed:
        merge += ["--seed", args.seed]
    status, wall, rss = run_measured(merge, stderr_path=os.path.join(parts_dir, "merge.log"))
    if status not in (0, 3, 4, 5):
        sys.exit(f"boxrank merge: exit {status}: "
                 + open(os.path.join(parts_dir, "merge.log")).read())
    figures["merge_s"] = round(wall, 3)
    figures["merge_rss_mib"] = round(rss, 1)
    figures["total_s"] = round(time.monotonic() - t0, 3)
    for k in ("cut_s", "cluster_start_s", "rank_s"):
        figures[k] = round(figures[k], 3)
    print(json.dumps(figures))
    return status


if __name__ == "__main__":
    sys.exit(main())

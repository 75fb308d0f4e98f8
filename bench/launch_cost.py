#!/usr/bin/python3
# gst-gemini-live benchmark: N sessions through the pipeline a user writes.
#
#   bench/launch_cost.py --peer BUILD/bench/bench-peer --sessions N --seconds S [--element E]
#
# One gst-launch-1.0 process runs
#   audiotestsrc is-live=true (20 ms buffers, 16 kHz) ! tee name=t
#   t. ! queue ! geminilive endpoint=<bench-peer> ! fakesink sync=true    (x N)
# and its CPU (utime + stime from /proc) and RSS are read over a window
# after a warm-up. With --element identity the same pipeline runs with
# identity in place of geminilive and no peer: that pipeline's own cost,
# which report.mjs subtracts. Prints one JSON line (read by bench/report.mjs).
# SPDX-License-Identifier: LGPL-2.1-or-later
import argparse
import json
import os
import signal
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def threads(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def start_peer(path):
    peer = subprocess.Popen([path, "--port", "0"], stdout=subprocess.PIPE, text=True)
    line = peer.stdout.readline()
    if not line.startswith("listening on "):
        peer.kill()
        sys.exit(f"launch_cost.py: bench-peer did not start ({line.strip()!r})")
    return peer, line.split()[-1]


def pipeline(sessions, element, url):
    source = ("audiotestsrc is-live=true wave=sine samplesperbuffer=320 "
              "! audio/x-raw,format=S16LE,rate=16000,channels=1 ! tee name=t")
    if element == "geminilive":
        branch = f"geminilive endpoint={url} api-key=bench-key"
    else:
        branch = element
    parts = [source] + [f"t. ! queue ! {branch} ! fakesink sync=true" for _ in range(sessions)]
    return " ".join(parts)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--peer", required=True)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--element", default="geminilive")
    args = parser.parse_args()

    peer, url = (None, "")
    if args.element == "geminilive":
        peer, url = start_peer(args.peer)
    env = dict(os.environ, GEMINI_API_KEY="", GOOGLE_API_KEY="")
    description = pipeline(args.sessions, args.element, url).split()
    launch = subprocess.Popen(["gst-launch-1.0", "-q"] + description, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    result = {"impl": "launch-" + args.element, "sessions": args.sessions}
    try:
        time.sleep(args.warmup)
        if launch.poll() is not None:
            raise RuntimeError("gst-launch-1.0 exited: " + launch.stderr.read()[-500:])
        base_rss = status_kb(launch.pid, "VmRSS")
        cpu0, t0 = cpu_seconds(launch.pid), time.monotonic()
        time.sleep(args.seconds)
        cpu1, t1 = cpu_seconds(launch.pid), time.monotonic()
        if launch.poll() is not None:
            raise RuntimeError("gst-launch-1.0 exited: " + launch.stderr.read()[-500:])
        window = t1 - t0
        result.update({
            "window_s": round(window, 2),
            "cpu_s": round(cpu1 - cpu0, 3),
            "cpu_s_per_session_min": (cpu1 - cpu0) / args.sessions / (window / 60),
            "cpu_cores": (cpu1 - cpu0) / window,
            "rss_kb": status_kb(launch.pid, "VmRSS"),
            "hwm_kb": status_kb(launch.pid, "VmHWM"),
            "rss_start_kb": base_rss,
            "threads": threads(launch.pid),
        })
    except Exception as error:  # reported in the row, as the other drivers do
        result["error"] = str(error)
    finally:
        launch.send_signal(signal.SIGINT)
        try:
            launch.wait(10)
        except subprocess.TimeoutExpired:
            launch.kill()
        if peer:
            peer.terminate()
            peer.wait(10)
    print(json.dumps(result), flush=True)
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main())

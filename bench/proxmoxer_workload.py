"""The workload of bench/workload.ts through Python's proxmoxer (Debian's python3-proxmoxer).

Usage: proxmoxer_workload.py HOST PORT CAFILE TOKEN_USER TOKEN_NAME TOKEN_VALUE TAG REQUESTS CONCURRENCY
Prints {"ms": wall time of the workload alone, without Python's start-up}.
"""
import json
import math
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from proxmoxer import ProxmoxAPI

host, port, cafile, token_user, token_name, token_value, tag = sys.argv[1:8]
requests, concurrency = int(sys.argv[8]), int(sys.argv[9])
api = ProxmoxAPI(host, port=int(port), user=token_user, token_name=token_name, token_value=token_value, verify_ssl=cafile)
units = math.ceil(requests / 4)
lock = threading.Lock()
counter = {"next": 0}


def take():
    with lock:
        i = counter["next"]
        counter["next"] += 1
        return i


def worker():
    i = take()
    while i < units:
        gid = f"{tag}{i}"
        api.access.groups.post(groupid=gid, comment="bench")
        api.access.groups(gid).get()
        api.version.get()
        api.access.groups(gid).delete()
        i = take()


start = time.perf_counter()
with ThreadPoolExecutor(max_workers=concurrency) as pool:
    for f in [pool.submit(worker) for _ in range(concurrency)]:
        f.result()
print(json.dumps({"ms": (time.perf_counter() - start) * 1000}))

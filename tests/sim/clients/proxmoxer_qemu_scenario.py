"""Drives a VM through the simulator with the Python proxmoxer client (Debian's python3-proxmoxer).

Usage: proxmoxer_qemu_scenario.py HOST PORT CAFILE ROOT_PASSWORD
Prints one JSON object with what each step saw; the vitest test checks it.
"""
import json
import sys
import time

from proxmoxer import ProxmoxAPI

host, port, cafile, root_password = sys.argv[1:5]
out = {}


def wait(api, upid):
    node = upid.split(":")[1]
    for _ in range(600):
        status = api.nodes(node).tasks(upid).status.get()
        if status["status"] == "stopped":
            return status["exitstatus"]
        time.sleep(0.05)
    raise RuntimeError("task did not finish")


api = ProxmoxAPI(host, port=int(port), user="root@pam", password=root_password, verify_ssl=cafile)
vmid = int(api.cluster.nextid.get())
out["vmid"] = vmid
node = api.nodes("pve1")
out["create"] = wait(api, node.qemu.post(vmid=vmid, name="from-proxmoxer", memory=512, scsi0="local-lvm:1", net0="virtio,bridge=vmbr0"))
out["config"] = node.qemu(vmid).config.get()
out["start"] = wait(api, node.qemu(vmid).status.start.post())
out["running"] = node.qemu(vmid).status.current.get()["status"]
out["update"] = wait(api, node.qemu(vmid).config.post(cores=2))
out["pending"] = node.qemu(vmid).pending.get()
out["stop"] = wait(api, node.qemu(vmid).status.stop.post())
out["stopped"] = node.qemu(vmid).status.current.get()["status"]
out["destroy"] = wait(api, node.qemu(vmid).delete(purge=1))
try:
    node.qemu(vmid).config.get()
    out["gone"] = None
except Exception as err:  # proxmoxer raises ResourceException with status and reason
    out["gone"] = str(err)

print(json.dumps(out))

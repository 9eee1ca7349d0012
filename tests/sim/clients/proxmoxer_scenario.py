"""Drives the simulator with the Python proxmoxer client (Debian's python3-proxmoxer), a VM included.

Usage: proxmoxer_scenario.py HOST PORT CAFILE ROOT_PASSWORD TOKEN_USER TOKEN_NAME TOKEN_VALUE
Prints one JSON object with what each step saw; the vitest test checks it.
"""
import json
import sys
import time

from proxmoxer import ProxmoxAPI

host, port, cafile, root_password, token_user, token_name, token_value = sys.argv[1:8]
out = {}


def wait(api, upid):
    """Waits for a task, with proxmoxer's own tools when this proxmoxer has them (2.x)."""
    node = upid.split(":")[1]
    try:
        from proxmoxer.tools import Tasks  # proxmoxer >= 2.0

        return Tasks.blocking_status(api, upid, timeout=30, polling_interval=0.05)["exitstatus"]
    except ImportError:  # Debian bookworm ships 1.2, which predates proxmoxer.tools
        for _ in range(600):
            status = api.nodes(node).tasks(upid).status.get()
            if status["status"] == "stopped":
                return status["exitstatus"]
            time.sleep(0.05)
        raise RuntimeError("task did not finish")


# Ticket auth (password), CSRF handled by proxmoxer.
api = ProxmoxAPI(host, port=int(port), user="root@pam", password=root_password, verify_ssl=cafile)
out["version"] = api.version.get()["version"]
api.access.users.post(userid="py@pve", comment="from proxmoxer", email="py@example.com")
out["user"] = api.access.users("py@pve").get()
api.pools.post(poolid="pypool", comment="made by proxmoxer")
out["pool"] = api.pools("pypool").get()
api.access.domains.post(realm="pyldap", type="ldap", base_dn="dc=example", user_attr="uid", server1="ldap.example")
upid = api.access.domains("pyldap").sync.post(scope="users")
out["ticket_task"] = wait(api, upid)
api.pools("pypool").delete()
api.access.users("py@pve").delete()
out["users_after_delete"] = [u["userid"] for u in api.access.users.get()]

# A VM's life cycle (the qemu model), still with the ticket.
vmid = int(api.cluster.nextid.get())
out["vmid"] = vmid
node = api.nodes("pve1")
out["vm_create"] = wait(api, node.qemu.post(vmid=vmid, name="from-proxmoxer", memory=512, scsi0="local-lvm:1", net0="virtio,bridge=vmbr0"))
out["vm_config"] = node.qemu(vmid).config.get()
out["vm_start"] = wait(api, node.qemu(vmid).status.start.post())
out["vm_running"] = node.qemu(vmid).status.current.get()["status"]
out["vm_update"] = wait(api, node.qemu(vmid).config.post(cores=2))
out["vm_pending"] = node.qemu(vmid).pending.get()
out["vm_stop"] = wait(api, node.qemu(vmid).status.stop.post())
out["vm_stopped"] = node.qemu(vmid).status.current.get()["status"]
out["vm_destroy"] = wait(api, node.qemu(vmid).delete(purge=1))
try:
    node.qemu(vmid).config.get()
    out["vm_gone"] = None
except Exception as err:  # proxmoxer raises ResourceException with status and reason
    out["vm_gone"] = str(err)

# API token auth.
tok = ProxmoxAPI(host, port=int(port), user=token_user, token_name=token_name, token_value=token_value, verify_ssl=cafile)
tok.pools.post(poolid="tokpool")
out["token_pools"] = [p["poolid"] for p in tok.pools.get()]
upid = tok.access.domains("pyldap").sync.post(**{"dry-run": 1, "scope": "both"})
out["token_task"] = wait(tok, upid)
out["token_upid"] = upid
tok.pools("tokpool").delete()
try:
    tok.pools("tokpool").get()
    out["missing_pool_error"] = None
except Exception as err:  # proxmoxer raises ResourceException with status and reason
    out["missing_pool_error"] = str(err)

print(json.dumps(out))

/** The Python proxmoxer client (not written here) against the simulator: ticket and token auth, CRUD, tasks, a VM's life cycle. */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { useGuestSimulator } from "../testkit/guests";
import { TEST_TOKEN } from "../testkit/raw";

const run = promisify(execFile);
const sim = useGuestSimulator();

/** Debian's interpreter: python3-proxmoxer installs there (tests/setup/ensure-tools.sh). */
const PYTHON = "/usr/bin/python3";

describe("proxmoxer", () => {
  it("logs in with a ticket and a token, manages users, pools and a VM, and waits for tasks", async () => {
    const s = sim();
    const dir = mkdtempSync(path.join(tmpdir(), "sim-ca-"));
    const ca = path.join(dir, "ca.pem");
    writeFileSync(ca, s.caCert);
    const m = /^([^!]+)!([^=]+)=(.+)$/.exec(TEST_TOKEN);
    const [, tokenUser = "", tokenName = "", tokenValue = ""] = m ?? [];
    const script = path.join(__dirname, "proxmoxer_scenario.py");
    const { stdout } = await run(PYTHON, [script, "127.0.0.1", String(s.port), ca, s.rootPassword, tokenUser, tokenName, tokenValue], { timeout: 60_000 });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out["version"]).toBe("9.2.11");
    expect(out["user"]).toMatchObject({ comment: "from proxmoxer", email: "py@example.com", enable: 1 });
    expect(out["pool"]).toEqual({ poolid: "pypool", comment: "made by proxmoxer", members: [] });
    expect(out["ticket_task"]).toBe("OK");
    expect(out["users_after_delete"]).not.toContain("py@pve");
    expect(out["token_pools"]).toContain("tokpool");
    expect(out["token_task"]).toBe("OK");
    expect(out["token_upid"]).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:auth-realm-sync-test:pyldap:root@pam!test:$/);
    expect(String(out["missing_pool_error"])).toContain("pool 'tokpool' does not exist");
    // the VM's life cycle
    expect(out.vmid).toBe(100);
    expect([out.vm_create, out.vm_start, out.vm_update, out.vm_stop, out.vm_destroy]).toEqual(["OK", "OK", "OK", "OK", "OK"]);
    expect(out.vm_config).toMatchObject({ name: "from-proxmoxer", memory: "512", scsi0: "local-lvm:vm-100-disk-0,size=1G" });
    expect([out.vm_running, out.vm_stopped]).toEqual(["running", "stopped"]);
    expect(out.vm_pending).toContainEqual({ key: "cores", pending: 2 });
    expect(String(out.vm_gone)).toContain("Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist");
  });
});

/** The Python proxmoxer client (not written here) drives a VM through the simulator: create, start, update, stop, destroy. */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { useGuestSimulator } from "../testkit/guests";

const run = promisify(execFile);
const sim = useGuestSimulator();

/** Debian's interpreter: python3-proxmoxer installs there (tests/setup/ensure-tools.sh). */
const PYTHON = "/usr/bin/python3";

describe("proxmoxer against the qemu model", () => {
  it("creates, starts, updates, stops and destroys a VM with a ticket", async () => {
    const s = sim();
    const dir = mkdtempSync(path.join(tmpdir(), "sim-ca-"));
    const ca = path.join(dir, "ca.pem");
    writeFileSync(ca, s.caCert);
    const script = path.join(__dirname, "proxmoxer_qemu_scenario.py");
    const { stdout } = await run(PYTHON, [script, "127.0.0.1", String(s.port), ca, s.rootPassword], { timeout: 60_000 });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.vmid).toBe(100);
    expect(out.create).toBe("OK");
    expect(out.config).toMatchObject({ name: "from-proxmoxer", memory: "512", scsi0: "local-lvm:vm-100-disk-0,size=1G" });
    expect(out.start).toBe("OK");
    expect(out.running).toBe("running");
    expect(out.update).toBe("OK");
    expect(out.pending).toContainEqual({ key: "cores", pending: 2 });
    expect(out.stop).toBe("OK");
    expect(out.stopped).toBe("stopped");
    expect(out.destroy).toBe("OK");
    expect(String(out.gone)).toContain("Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist");
  });
});

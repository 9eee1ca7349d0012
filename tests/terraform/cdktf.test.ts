/**
 * The CDKTF-style bindings, proven end to end: the example CDK Terrain program synthesizes with the
 * generated classes (`@naas/pulumi-proxmox/cdktf`), and the real `tofu` applies the synthesized JSON
 * on the simulator, then finds no changes, then destroys.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { startSimulator } from "../sim";
import { workspace } from "./tofu";

const TOKEN = "root@pam!cdktf=2b4d6f80-1a3c-4e5f-8a9b-0c1d2e3f4a5b";
const PASSWORD = "cdktf-Alice-Passw0rd";
const root = join(__dirname, "..", "..");

describe("CDKTF-style bindings", () => {
  it("synthesize a program whose JSON tofu applies on the simulator, with no changes afterwards", async () => {
    const sim = await startSimulator({ nodes: 1, apiToken: TOKEN, authFailureDelayMs: 0, taskDurationMs: 20 });
    const admin = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: TOKEN, fingerprint: sim.fingerprint });
    const ws = await workspace({
      PROXMOX_VE_ENDPOINT: sim.endpoint,
      PROXMOX_VE_API_TOKEN: TOKEN,
      PROXMOX_VE_FINGERPRINT: sim.fingerprint,
      TF_VAR_alice_password: PASSWORD,
    });
    try {
      const outdir = join(ws.dir, "cdktf.out");
      execFileSync(process.execPath, [join(root, "node_modules", "tsx", "dist", "cli.mjs"), join(root, "examples", "cdktf", "main.ts")], {
        cwd: ws.dir,
        env: { ...process.env, CDKTF_OUTDIR: outdir },
        stdio: "pipe",
      });
      const synthesized = join(outdir, "stacks", "datacenter", "cdk.tf.json");
      expect(readFileSync(synthesized, "utf8")).not.toContain(PASSWORD);
      copyFileSync(synthesized, join(ws.dir, "cdk.tf.json"));

      await ws.tofu(["init", "-input=false"]);
      const applied = await ws.tofu(["apply", "-auto-approve", "-input=false"]);
      expect(applied.output).toContain("Apply complete! Resources: 3 added");
      expect(applied.output).toMatch(/pve_version = "9\.2\.\d+"/);
      expect(await admin.get<{ comment?: string }>("/access/groups/platform-ops")).toMatchObject({ comment: "Operators" });
      expect(await admin.get<{ groups?: unknown }>("/access/users/alice@pve")).toMatchObject({ comment: "Alice" });
      expect(await admin.get<unknown[]>("/pools", { poolid: "platform" })).toHaveLength(1);
      // The password is write-only: PVE has it (ticket login works), the state never does.
      const alice = new ProxmoxClient({ endpoint: sim.endpoint, username: "alice@pve", password: PASSWORD, fingerprint: sim.fingerprint });
      await expect(alice.get("/version")).resolves.toBeDefined();
      alice.close();
      const state = readFileSync(join(ws.dir, "terraform.datacenter.tfstate"), "utf8");
      expect(state).not.toContain(PASSWORD);
      expect(ws.transcript()).not.toContain(PASSWORD);

      const again = await ws.tofu(["plan", "-input=false", "-detailed-exitcode"], { allowFailure: true });
      expect(again.code, again.output).toBe(0);
      await ws.tofu(["destroy", "-auto-approve", "-input=false"]);
      await expect(admin.get("/access/groups/platform-ops")).rejects.toMatchObject({ kind: "not-found" });
    } finally {
      ws.close();
      admin.close();
      await sim.close();
    }
  }, 300_000);
});

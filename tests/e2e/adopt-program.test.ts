/**
 * `pulumi-proxmox adopt`: the program it writes for objects made by hand declares them with
 * `adopt: true`, keeps secrets out of the code, and `up` adopts them with no change left to make.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseArgs } from "../../provider/adopt/cli";
import { writeAdoptProgram } from "../../provider/adopt/program";
import { preview, up } from "../pulumi-engine";
import { PASSPHRASE, adminOf, programDir, stackSettings, startTestSimulator, stepsOf } from "./harness";
import type { ProxmoxClient } from "../../provider/client";
import type { Simulator } from "../sim";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";

const PLUGIN_TOKEN = "hand-made-secret-token-51c0";
let sim: Simulator;
let admin: ProxmoxClient;

beforeAll(async () => {
  sim = await startTestSimulator();
  admin = adminOf(sim, "token");
  await admin.post("/access/users", { userid: "legacy@pve", comment: "made by hand", email: "legacy@example.com" });
  await admin.post("/pools", { poolid: "old-pool", comment: "from the GUI" });
  await admin.post("/cluster/acme/plugins", { id: "dns1", type: "dns", api: "cf", data: Buffer.from(`CF_Token=${PLUGIN_TOKEN}\n`).toString("base64") });
}, 120_000);
afterAll(async () => {
  admin?.close();
  await sim?.close();
});

describe("pulumi-proxmox adopt", () => {
  it("parses kind/id pairs and pulumi import's --file format", () => {
    expect(parseArgs(["adopt", "access.User", "a@pve", "cluster.Pool", "p"])).toEqual([
      { kind: "access.User", id: "a@pve" },
      { kind: "cluster.Pool", id: "p" },
    ]);
    expect(() => parseArgs(["adopt", "access.User"])).toThrow(/usage: pulumi-proxmox adopt/);
  });

  it("writes a program that adopts the objects as they are, secrets read from config", async () => {
    const code = await writeAdoptProgram(admin, [
      { kind: "access.User", id: "legacy@pve" },
      { kind: "pulumi-nodejs:dynamic/proxmox/cluster:Pool", id: "old-pool" },
      { kind: "cluster:AcmePlugin", id: "dns1", name: "dns" },
      { kind: "cluster.Options", id: "cluster" },
    ]);
    expect(code).toContain('new pve.access.User("legacy-pve", {\n  comment: "made by hand",\n  email: "legacy@example.com",');
    expect(code).toContain('  userId: "legacy@pve",\n  adopt: true,\n});');
    expect(code).toContain('new pve.cluster.Pool("old-pool", {');
    expect(code).toContain('  data: config.requireSecretObject("dns-data"),');
    expect(code).toContain("//   pulumi config set --secret dns-data <value>");
    expect(code).not.toContain(PLUGIN_TOKEN);
    // A singleton always exists: its create adopts it without the input.
    expect(code).toMatch(/new pve\.cluster\.Options\("cluster", \{\n[^}]*\n\}\);/);
    expect(code.match(/new pve\.cluster\.Options[\s\S]*$/)?.[0]).not.toContain("adopt");
    await expect(writeAdoptProgram(admin, [{ kind: "access.Group", id: "nope" }])).rejects.toThrow(/access\.Group 'nope' does not exist/);
  });

  it("is a program whose first up adopts everything and whose next preview has nothing to do", async () => {
    const code = await writeAdoptProgram(admin, [
      { kind: "access.User", id: "legacy@pve" },
      { kind: "cluster.Pool", id: "old-pool" },
      { kind: "cluster.AcmePlugin", id: "dns1", name: "dns" },
    ]);
    const dir = programDir("adopt-program");
    writeFileSync(join(dir, "adopted.ts"), code);
    writeFileSync(join(dir, "Pulumi.yaml"), "name: adopted\nruntime: nodejs\nmain: adopted.ts\n");
    const work = mkdtempSync(join(tmpdir(), "adopt-program-"));
    try {
      const settings = stackSettings(sim, "environment", "token", work)([]);
      const options = {
        programDir: dir,
        stateFile: join(work, "state.json"),
        secretConfig: { "dns-data": JSON.stringify({ CF_Token: PLUGIN_TOKEN }) },
        env: { ...settings.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
      };
      const adopted = await up(options);
      expect(adopted.ok, adopted.steps.map((s) => s.error ?? "").join("\n")).toBe(true);
      expect(stepsOf(adopted)).toEqual(["create dns", "create legacy-pve", "create old-pool"]);
      expect(await admin.get<Record<string, unknown>>("/access/users/legacy@pve")).toMatchObject({ comment: "made by hand" });
      expect(stepsOf(await preview(options))).toEqual(["same dns", "same legacy-pve", "same old-pool"]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 300_000);
});

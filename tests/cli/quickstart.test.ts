/**
 * The quickstart through both engines: the real `pulumi` CLI and the local engine run the same
 * program against identical simulators and must agree on the plan, the steps and the outputs of
 * every stage (preview, up, no-op preview, a changed input, refresh after an edit by hand, destroy).
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StepRecord } from "../pulumi-engine";
import { installPackage } from "../pulumi-engine";
import { PASSPHRASE, adminOf, startTestSimulator } from "../e2e/harness";
import { openLocalEngine, openRealEngine, type EngineRun, type ProgramEngine, type OpenOptions } from "./engines";
import type { Simulator } from "../sim";

const root = join(__dirname, "..", "..");

function quickstartDir(): string {
  const dir = join(root, ".engine", "cli", "quickstart");
  mkdirSync(dir, { recursive: true });
  for (const file of ["index.ts", "package.json", "Pulumi.yaml"]) copyFileSync(join(root, "examples", "quickstart", file), join(dir, file));
  installPackage(root, dir, { build: false });
  return dir;
}

/** A step as both engines must report it. */
function described(s: StepRecord): string {
  const parts = [s.op, s.type, s.name];
  if (s.op === "update" || s.op === "replace") parts.push(`diffs=${(s.diffs ?? []).join(",")}`);
  if (s.op === "replace") parts.push(`replaces=${(s.replaces ?? []).join(",")}`);
  if (s.op === "refresh" && (s.drift?.length ?? 0) > 0) parts.push(`drift=${(s.drift ?? []).join(",")}`);
  if (s.error) parts.push("failed");
  return parts.join(" ");
}

interface Transcript {
  stage: string;
  ok: boolean;
  steps: string[];
  outputs: Record<string, unknown>;
}

const transcript = (stage: string, run: EngineRun): Transcript => ({
  stage,
  ok: run.ok,
  steps: run.steps.map(described).sort(),
  // Outputs are what an update leaves in the stack (a preview's are only planned, and the CLI keeps none).
  outputs: stage.endsWith("up") ? run.outputs : {},
});

/** The demo's stages on one engine and a fresh simulator. */
async function stages(open: (opts: OpenOptions) => Promise<ProgramEngine>, sim: Simulator): Promise<Transcript[]> {
  const admin = adminOf(sim, "token");
  const engine = await open({
    programDir: quickstartDir(),
    env: { PROXMOX_VE_ENDPOINT: sim.endpoint, PROXMOX_VE_API_TOKEN: sim.apiToken ?? "", PROXMOX_VE_FINGERPRINT: sim.fingerprint },
    passphrase: PASSPHRASE,
  });
  const base = { secretConfig: { alicePassword: "correct horse battery staple" } };
  const changed = { ...base, config: { poolComment: "Guests of the platform team (changed)" } };
  const out: Transcript[] = [];
  try {
    out.push(transcript("preview", await engine.preview(base)));
    out.push(transcript("up", await engine.up(base)));
    out.push(transcript("no-op preview", await engine.preview(base)));
    out.push(transcript("changed preview", await engine.preview(changed)));
    out.push(transcript("changed up", await engine.up(changed)));
    await admin.put("/access/groups/platform-ops", { comment: "edited in the GUI" });
    out.push(transcript("refresh", await engine.refresh(changed)));
    out.push(transcript("preview after refresh", await engine.preview(changed)));
    out.push(transcript("destroy", await engine.destroy(changed)));
  } finally {
    await engine.close();
    admin.close();
  }
  return out;
}

describe("the quickstart through the real CLI and the local engine", () => {
  it("gives the same plan, steps and outputs at every stage", async () => {
    const realSim = await startTestSimulator();
    const localSim = await startTestSimulator();
    try {
      const real = await stages((o) => openRealEngine(o), realSim);
      const local = await stages(async (o) => openLocalEngine(o), localSim);
      for (const t of real) expect(t.ok, `${t.stage} through the real CLI`).toBe(true);
      expect(real.find((t) => t.stage === "up")?.steps.filter((s) => s.startsWith("create")).length).toBe(8);
      expect(real.find((t) => t.stage === "changed preview")?.steps).toContain("update pulumi-nodejs:dynamic/proxmox/cluster:Pool team-pool diffs=comment");
      expect(real.find((t) => t.stage === "up")?.outputs).toMatchObject({ poolId: "platform", tokenId: "alice-platform@pve!ci", tokenSecret: "[secret]" });
      for (const [i, t] of local.entries()) expect(t, `stage ${t.stage}`).toEqual(real[i]);
      const admin = adminOf(realSim, "token");
      expect(await admin.get<unknown[]>("/pools")).toEqual([]);
      admin.close();
    } finally {
      await realSim.close();
      await localSim.close();
    }
  }, 600_000);
});

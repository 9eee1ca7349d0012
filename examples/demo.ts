/**
 * `npm run demo`: the quickstart program, end to end, against the built-in PVE simulator, through
 * the real `pulumi` CLI when it is available (`npm run tools` builds it) and the local engine
 * otherwise; it says which one it used.
 *
 * preview (all to create) → up → preview (no changes) → a changed input → preview (exactly that
 * update) → up → an out-of-band change on the "cluster" → refresh (drift shown) → destroy
 * (simulator clean). Each stage checks its own outcome; the demo exits non-zero if one is wrong.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ProxmoxClient } from "../provider/client";
import { openBestEngine, type EngineRun, type ProgramEngine, type RunOptions } from "../tests/cli/engines";
import { installPackage } from "../tests/pulumi-engine";
import { startSimulator } from "../tests/sim";

const root = join(__dirname, "..");
const programDir = join(root, ".engine", "demo", "quickstart");

function stage(title: string): void {
  console.log(`\n\x1b[1m━━ ${title}\x1b[0m`);
}

function expectThat(ok: boolean, what: string): void {
  if (!ok) throw new Error(`demo check failed: ${what}`);
  console.log(`\x1b[32m✔\x1b[0m ${what}`);
}

function count(result: EngineRun, op: string): number {
  return result.steps.filter((s) => s.op === op && !s.type.startsWith("pulumi:pulumi:")).length;
}

async function main(): Promise<void> {
  stage("Starting the PVE simulator (3 nodes)");
  const sim = await startSimulator({ nodes: 3, apiToken: "root@pam!demo=3f1c2a9e-6b7d-4e21-9a0b-5c4d3e2f1a00", taskDurationMs: 100 });
  console.log(`endpoint ${sim.endpoint}, certificate fingerprint ${sim.fingerprint}`);
  const admin = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: sim.apiToken, fingerprint: sim.fingerprint });
  try {
    stage("Installing the package into the quickstart program from its npm pack tarball");
    mkdirSync(programDir, { recursive: true });
    for (const file of ["index.ts", "package.json", "Pulumi.yaml"]) {
      copyFileSync(join(root, "examples", "quickstart", file), join(programDir, file));
    }
    installPackage(root, programDir);

    const { engine, why } = await openBestEngine({
      programDir,
      env: { PROXMOX_VE_ENDPOINT: sim.endpoint, PROXMOX_VE_API_TOKEN: sim.apiToken ?? "", PROXMOX_VE_FINGERPRINT: sim.fingerprint },
      passphrase: "demo passphrase",
      onLine: (line) => console.log(line),
    });
    stage(`Engine: ${engine.description}`);
    if (why) console.log(`(not the real pulumi CLI: ${why.split("\n")[0]})`);
    try {
      await stages(engine, admin);
    } finally {
      await engine.close();
    }
    console.log(`\nDemo complete, through ${engine.kind === "real" ? "the real pulumi CLI" : "the local engine"}.`);
  } finally {
    admin.close();
    await sim.close();
  }
}

/** The demo's stages, each checking its own outcome. */
async function stages(engine: ProgramEngine, admin: ProxmoxClient): Promise<void> {
  const base: RunOptions = { secretConfig: { alicePassword: "correct horse battery staple" } };
  const changed: RunOptions = { ...base, config: { poolComment: "Guests of the platform team (changed)" } };

  stage("pulumi preview: everything to create, nothing written");
  const first = await engine.preview(base);
  expectThat(first.ok && count(first, "create") === 7, "7 resources to create");
  expectThat((await admin.get<unknown[]>("/pools")).length === 0, "the simulator is untouched");

  stage("pulumi up");
  const created = await engine.up(base);
  expectThat(created.ok && count(created, "create") === 7, "7 resources created");

  stage("pulumi preview: no changes");
  const same = await engine.preview(base);
  expectThat(same.ok && same.steps.every((s) => s.op === "same"), "no changes");

  stage("A changed input (the pool's comment): preview shows exactly that update");
  const planned = await engine.preview(changed);
  const updates = planned.steps.filter((s) => s.op !== "same");
  expectThat(updates.length === 1 && updates[0]?.name === "team-pool" && updates[0]?.diffs?.join() === "comment", "one update: team-pool ~comment");

  stage("pulumi up");
  const updated = await engine.up(changed);
  expectThat(updated.ok && count(updated, "update") === 1, "1 updated");
  const pool = await admin.get<Array<{ comment?: string }>>("/pools", { poolid: "platform" });
  expectThat(pool[0]?.comment === "Guests of the platform team (changed)", "the simulator has the new comment");

  stage("An out-of-band change: someone edits the operators group by hand");
  await admin.put("/access/groups/platform-ops", { comment: "edited in the GUI" });

  stage("pulumi refresh: the drift is shown");
  const refreshed = await engine.refresh(changed);
  const drifted = refreshed.steps.filter((s) => (s.drift?.length ?? 0) > 0);
  expectThat(drifted.length === 1 && drifted[0]?.name === "operators" && drifted[0]?.drift?.join() === "comment", "drift: operators ~comment");

  stage("pulumi destroy: the simulator is clean again");
  const destroyed = await engine.destroy(changed);
  expectThat(destroyed.ok && count(destroyed, "delete") === 7, "7 resources deleted");
  const users = await admin.get<Array<{ userid: string }>>("/access/users");
  const pools = await admin.get<unknown[]>("/pools");
  const options = await admin.get<Record<string, unknown>>("/cluster/options");
  expectThat(
    users.map((u) => u.userid).join() === "root@pam" && pools.length === 0 && options["keyboard"] === undefined,
    "no user, pool or option left behind",
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

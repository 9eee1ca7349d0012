/**
 * Issue 12 through the real `pulumi` CLI (the local engine's proofs are tests/e2e/lifecycle-*.test.ts):
 * a create that fails after PVE took it is kept in the state and converges on the next `up`; a
 * one-time secret whose create answer was lost is issued again; a refresh records the inputs as read
 * back (so `ignoreChanges` keeps a hand-made change); deletes are idempotent after a lost answer; an
 * action whose task answer was lost is awaited, not run again; an IP set's comment changes in place;
 * `replaceOnChanges`, `protect` and `retainOnDelete` act on PVE objects; a TFA replacement creates
 * the new factor first. One stack (and simulator) per case; effects are checked on the simulator and
 * in `pulumi stack export`.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PARTIAL_CREATE_FAULTS, TOTP_A, partialCreateProgram, deletesProgram, optionResources } from "../e2e/lifecycle-programs";
import { ProxmoxClient } from "../../provider/client";
import { PASSPHRASE, TOKEN_SECRET, programDir, stepsOf, type Declared } from "../e2e/harness";
import { found } from "../e2e/scenarios";
import { newRealStack, type RealStack } from "./e2e";
import { cliEnvironment, type CliEnvironment, type CliResult } from "./stack";

const SUITE = "lifecycle";
const execFileAsync = promisify(execFile);

const TOTP_B = "otpauth://totp/pve:alice?secret=KRSXG5CTMVRXEZLU";

interface ExportedResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  initErrors?: string[];
}

type TfaEntry = { id: string; type: string; description: string; enable?: number };

function errorsOf(result: CliResult): string {
  return [...result.errors.map((e) => `${e.urn}: ${e.message}`), result.stdout.slice(-4000), result.stderr.slice(-4000)].join("\n");
}

const step = (result: CliResult, name: string) => result.steps.find((s) => s.name === name);

/** The custom resources of a deployment, by name. */
function byName(state: unknown): Map<string, ExportedResource> {
  const resources = ((state as { deployment?: { resources?: ExportedResource[] } }).deployment?.resources ?? []).filter((r) => !r.type.startsWith("pulumi:"));
  return new Map(resources.map((r) => [r.urn.split("::").pop() ?? r.urn, r]));
}

/** The custom resources of `pulumi stack export` (secrets encrypted), by name. */
async function exported(stack: RealStack): Promise<Map<string, ExportedResource>> {
  return byName(await stack.exportState());
}

/** A real-CLI stack of this suite, on its own simulator and backend (kept here, to read the state with its secrets shown). */
interface LifecycleStack {
  stack: RealStack;
  environment: CliEnvironment;
  /** `pulumi stack export --show-secrets`, by name. */
  revealed(): Promise<Map<string, ExportedResource>>;
  close(): Promise<void>;
}

async function open(name: string, auth: "token" | "ticket"): Promise<LifecycleStack> {
  const environment = cliEnvironment(PASSPHRASE);
  let stack: RealStack;
  try {
    stack = await newRealStack(SUITE, { auth, stack: name, environment });
  } catch (error) {
    environment.close();
    throw error;
  }
  return {
    stack,
    environment,
    async revealed() {
      const { stdout } = await execFileAsync(environment.tools.pulumi.path, ["stack", "export", "--show-secrets", "--stack", name, "--non-interactive"], {
        cwd: programDir(`cli-${SUITE}`),
        env: { ...process.env, ...environment.env },
        maxBuffer: 256 * 1024 * 1024,
      });
      return byName(JSON.parse(stdout) as unknown);
    },
    async close() {
      await stack.close();
      environment.close();
    },
  };
}

/** A stack whose provider logs in as root@pam (PVE refuses API tokens on /access/tfa), with user alice. */
async function tfaStack(name: string): Promise<LifecycleStack> {
  const s = await open(name, "ticket");
  await s.stack.admin.post("/access/users", { userid: "alice@pve", password: "alice-Passw0rd" });
  return s;
}

/** A value of `pulumi stack export --show-secrets`: a secret there is Pulumi's sentinel with its `plaintext` (JSON). */
function plaintextOf(value: unknown): unknown {
  if (typeof value !== "object" || value === null || !("plaintext" in value)) return value;
  return JSON.parse(String((value as { plaintext: unknown }).plaintext)) as unknown;
}

const tfaEntries = (stack: RealStack): Promise<TfaEntry[]> => stack.admin.get<TfaEntry[]>("/access/tfa/alice@pve");

describe("a create that fails after PVE took its first write, through the real pulumi CLI", () => {
  it("keeps the object in the state (SDN apply task failed; TFA enable write failed), and the next up converges", async () => {
    const s = await tfaStack("partial");
    const { stack } = s;
    try {
      const program = partialCreateProgram;
      for (const rule of PARTIAL_CREATE_FAULTS) stack.sim.faults.add(rule);
      const failed = await stack.up(program);
      expect(failed.ok).toBe(false);
      // The CLI shows a partial create's reasons (ErrorResourceInitFailed), not the provider's
      // "... was created, but ..." message that the local engine reports.
      expect(step(failed, "zone")).toMatchObject({ op: "create", id: "zp" });
      expect(step(failed, "zone")?.error).toMatch(
        /applying the staged changes \(PUT \/cluster\/sdn\) failed after PVE had committed them: .*reload network failed/,
      );
      expect(step(failed, "phone")?.id).toMatch(/^alice@pve\//);
      expect(step(failed, "phone")?.error).toMatch(/PUT \/access\/tfa\/alice@pve\/[^:]+: tfa config write failed/);
      const kept = await exported(stack);
      expect(kept.get("zone")).toMatchObject({ id: "zp", initErrors: [expect.stringContaining("reload network failed")] });
      expect(kept.get("phone")?.id, "the TFA entry is in the state").toBeTruthy();
      // The state says what PVE holds (not disabled: PVE omits `enable` while it is on), so the next diff sees the change.
      expect(kept.get("phone")?.outputs?.["enable"]).not.toBe(false);
      expect(await stack.admin.get<Array<{ zone: string }>>("/cluster/sdn/zones", { pending: 1 })).toEqual([expect.objectContaining({ zone: "zp" })]);
      const created = await tfaEntries(stack);
      expect(created).toEqual([expect.objectContaining({ type: "totp", description: "phone" })]);
      expect(created[0]?.enable).toBeUndefined();
      const exportedText = await stack.exportText();
      expect(exportedText, "no TOTP secret in pulumi stack export").not.toContain("JBSWY3DPEHPK3PXP");
      expect(exportedText).not.toContain(stack.sim.rootPassword);

      const converged = await stack.up(program);
      expect(converged.ok, errorsOf(converged)).toBe(true);
      expect(stepsOf(converged)).toEqual(["update phone", "update zone"]);
      const entries = await tfaEntries(stack);
      expect(entries, "no second factor").toHaveLength(1);
      expect(entries[0]?.enable).toBe(0);
      expect((await exported(stack)).get("zone")?.initErrors ?? []).toEqual([]);
      const again = await stack.preview(program, { expectNoChanges: true });
      expect(again.ok, errorsOf(again)).toBe(true);
      expect(stepsOf(again)).toEqual(["same phone", "same zone"]);
    } finally {
      await s.close();
    }
  }, 600_000);
});

describe("a one-time secret whose create answer was lost, through the real pulumi CLI", () => {
  it("is issued again: the token is regenerated, the new value is in the state as a secret and works; the next up keeps it", async () => {
    const s = await tfaStack("token");
    const { stack } = s;
    try {
      const program: Declared[] = [
        { namespace: "access", kind: "ApiToken", name: "token", args: { userId: "root@pam", tokenId: "t1", comment: "ci" } },
        { namespace: "access", kind: "Tfa", name: "paper", args: { userId: "alice@pve", type: "recovery" } },
      ];
      // The creates happen on PVE; their answers (with the secrets) never arrive.
      stack.sim.faults.add({ method: "POST", path: "/access/users/root@pam/token/t1", times: 1, action: { type: "status", status: 596, afterHandling: true } });
      stack.sim.faults.add({ method: "POST", path: "/access/tfa/alice@pve", times: 1, action: { type: "status", status: 596, afterHandling: true } });
      const first = await stack.up(program);
      expect(first.ok).toBe(false);
      expect(step(first, "token")?.error).toMatch(/PVE's answer was lost/);
      expect(`${first.stdout}\n${first.stderr}`).toMatch(/\[access:ApiToken root@pam!t1\] .*value it shows only once: issued a new one/);

      const encrypted = (await exported(stack)).get("token");
      expect(encrypted?.id, "the token is in the state").toBe("root@pam!t1");
      // Encrypted in the state: Pulumi's secret sentinel, with a ciphertext.
      expect(encrypted?.outputs?.["value"]).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" });
      const value = plaintextOf((await s.revealed()).get("token")?.outputs?.["value"]);
      expect(typeof value).toBe("string");
      expect(await stack.exportText()).not.toContain(String(value));
      const viaToken = new ProxmoxClient({ endpoint: stack.sim.endpoint, apiToken: `root@pam!t1=${String(value)}`, fingerprint: stack.sim.fingerprint });
      try {
        await expect(viaToken.get("/version"), "the value in the state is the live one").resolves.toBeDefined();
      } finally {
        viaToken.close();
      }
      expect((await stack.admin.get<Array<{ tokenid: string }>>("/access/users/root@pam/token")).filter((t) => t.tokenid === "t1")).toHaveLength(1);
      // The recovery keys: the object recreated, its new keys in the state (encrypted), one recovery entry on PVE.
      expect(`${first.stdout}\n${first.stderr}`).toMatch(
        /\[access:Tfa alice@pve\] .*recoveryKeys it shows only once: deleted the new object and created it again/,
      );
      const keys = plaintextOf((await s.revealed()).get("paper")?.outputs?.["recoveryKeys"]);
      expect(keys).toHaveLength(10);
      expect((await exported(stack)).get("paper")?.outputs?.["recoveryKeys"]).toMatchObject({
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      });
      expect((await tfaEntries(stack)).filter((e) => e.type === "recovery")).toHaveLength(1);

      const next = await stack.up(program);
      expect(next.ok, errorsOf(next)).toBe(true);
      expect(plaintextOf((await s.revealed()).get("token")?.outputs?.["value"]), "the next up keeps the issued value").toBe(value);
      const again = await stack.preview(program, { expectNoChanges: true });
      expect(again.ok, errorsOf(again)).toBe(true);
      expect(stepsOf(again)).toEqual(["same paper", "same token"]);
    } finally {
      await s.close();
    }
  }, 600_000);
});

describe("a refresh that found drift, through the real pulumi CLI", () => {
  it("records the inputs as read back: ignoreChanges keeps the hand-made change, other drift is listed and undone", async () => {
    const s = await open("refresh", "token");
    const { stack } = s;
    const { admin } = stack;
    try {
      const program: Declared[] = [
        { namespace: "cluster", kind: "Pool", name: "pool", args: { poolId: "p1", comment: "one" }, options: { ignoreChanges: ["comment"] } },
        { namespace: "access", kind: "Group", name: "group", args: { groupId: "g1", comment: "one" } },
      ];
      const created = await stack.up(program);
      expect(created.ok, errorsOf(created)).toBe(true);
      await admin.put("/pools", { poolid: "p1", comment: "by hand" });
      await admin.put("/access/groups/g1", { comment: "by hand" });

      const refreshed = await stack.refresh(program);
      expect(refreshed.ok, errorsOf(refreshed)).toBe(true);
      expect(step(refreshed, "pool")).toMatchObject({ op: "refresh", drift: ["comment"] });
      expect(step(refreshed, "group")).toMatchObject({ op: "refresh", drift: ["comment"] });
      expect((await exported(stack)).get("pool")?.inputs).toMatchObject({ poolId: "p1", comment: "by hand" });

      const next = await stack.up(program);
      expect(next.ok, errorsOf(next)).toBe(true);
      expect(stepsOf(next)).toEqual(["same pool", "update group"]);
      expect(step(next, "group")?.diffs).toEqual(["comment"]);
      const pools = await admin.get<Array<{ comment?: string }>>("/pools", { poolid: "p1" });
      expect(pools[0]?.comment, "the ignored hand-made change stays").toBe("by hand");
      expect((await admin.get<{ comment?: string }>("/access/groups/g1")).comment).toBe("one");
    } finally {
      await s.close();
    }
  }, 600_000);
});

describe("deletes and in-place updates, through the real pulumi CLI", () => {
  it("an IP set's comment changes in place; deletes succeed when PVE's answer was lost after it deleted; a refresh finds a set removed by hand gone", async () => {
    const s = await open("deletes", "token");
    const { stack } = s;
    const { admin } = stack;
    try {
      await admin.post("/pools", { poolid: "pm" });
      const program = deletesProgram;
      const created = await stack.up(program("one"));
      expect(created.ok, errorsOf(created)).toBe(true);
      const officeId = (await exported(stack)).get("office")?.id;

      // An IP set's comment changes in place: no replacement, its entry stays.
      const planned = await stack.preview(program("two"));
      expect(planned.ok, errorsOf(planned)).toBe(true);
      expect(step(planned, "office")).toMatchObject({ op: "update", diffs: ["comment"] });
      const commented = await stack.up(program("two"));
      expect(commented.ok, errorsOf(commented)).toBe(true);
      expect(stepsOf(commented)).toEqual(["same lab", "same lab-net", "same member", "same office-lan", "same zone", "update office"]);
      const sets = await admin.get<Array<{ name: string; comment?: string }>>("/cluster/firewall/ipset");
      expect(sets.find((x) => x.name === "office")?.comment).toBe("two");
      expect((await admin.get<Array<{ cidr: string }>>("/cluster/firewall/ipset/office")).map((e) => e.cidr)).toEqual(["10.0.0.0/24"]);
      expect((await exported(stack)).get("office")?.id, "the same object").toBe(officeId);

      // Removed by hand with its entries: a refresh finds both gone.
      await admin.delete("/cluster/firewall/ipset/lab", { force: 1 });
      const refreshed = await stack.refresh(program("two"));
      expect(refreshed.ok, errorsOf(refreshed)).toBe(true);
      expect(step(refreshed, "lab-net")).toMatchObject({ deleted: true });
      expect(step(refreshed, "lab")).toMatchObject({ deleted: true });
      const afterRefresh = await exported(stack);
      expect(afterRefresh.has("lab")).toBe(false);
      expect(afterRefresh.has("lab-net")).toBe(false);

      // Every delete happens on PVE, and its answer is lost: the client's retry finds the object gone.
      const lost = { type: "status", status: 596, afterHandling: true } as const;
      for (const path of ["/cluster/firewall/ipset/office/10.0.0.0/24", "/cluster/firewall/ipset/office", "/cluster/sdn/zones/zd"]) {
        stack.sim.faults.add({ method: "DELETE", path, times: 1, action: lost });
      }
      stack.sim.faults.add({ method: "PUT", path: "/pools", times: 1, action: lost });
      const destroyed = await stack.destroy(program("two"));
      expect(destroyed.ok, errorsOf(destroyed)).toBe(true);
      expect([...(await exported(stack)).keys()]).toEqual([]);
      expect(await admin.get<unknown[]>("/cluster/firewall/ipset")).toEqual([]);
      expect(await admin.get<unknown[]>("/cluster/sdn/zones", { pending: 1 })).toEqual([]);
      expect((await admin.get<Array<{ members?: unknown[] }>>("/pools", { poolid: "pm" }))[0]?.members ?? []).toEqual([]);
    } finally {
      await s.close();
    }
  }, 600_000);
});

describe("an action whose task answer was lost, through the real pulumi CLI", () => {
  it("is awaited on its recorded task by the next up, not run again", async () => {
    const s = await open("action", "token");
    const { stack } = s;
    try {
      const program: Declared[] = [{ namespace: "node", kind: "ServiceAction", name: "restart", args: { node: "pve1", service: "cron", action: "restart" } }];
      // Every poll of the task's status loses its answer (the client retries 3 times, then gives up).
      stack.sim.faults.add({ method: "GET", path: "/nodes/pve1/tasks/*/status", times: 4, action: { type: "status", status: 596 } });
      const lost = await stack.up(program);
      expect(lost.ok).toBe(false);
      const kept = (await exported(stack)).get("restart");
      expect(kept).toMatchObject({
        id: expect.stringMatching(/^UPID:pve1:.*:srvrestart:cron:/) as unknown,
        initErrors: [expect.any(String)],
      });

      const next = await stack.up(program);
      expect(next.ok, errorsOf(next)).toBe(true);
      expect(stepsOf(next)).toEqual(["update restart"]);
      const awaited = (await exported(stack)).get("restart");
      expect(awaited?.id, "the same task").toBe(kept?.id);
      expect(awaited?.outputs).toMatchObject({ upid: kept?.id, exitStatus: "OK" });
      expect(awaited?.initErrors ?? []).toEqual([]);
      const tasks = await stack.admin.get<Array<{ type: string }>>("/nodes/pve1/tasks", { typefilter: "srvrestart" });
      expect(
        tasks.filter((t) => t.type === "srvrestart"),
        "the restart ran once",
      ).toHaveLength(1);
      expect(await stack.exportText()).not.toContain(TOKEN_SECRET);
    } finally {
      await s.close();
    }
  }, 600_000);
});

describe("resource options on PVE objects, through the real pulumi CLI", () => {
  it("replaceOnChanges replaces a group on a comment change, protect refuses to delete a pool, retainOnDelete leaves one on PVE", async () => {
    const s = await open("options", "token");
    const { stack } = s;
    const { admin } = stack;
    const pool = (id: string) => found(() => admin.get("/pools", { poolid: id }));
    const { guarded, kept, group } = optionResources;
    try {
      const created = await stack.up([guarded(true), kept, group("one")]);
      expect(created.ok, errorsOf(created)).toBe(true);

      const planned = await stack.preview([guarded(true), kept, group("two")]);
      expect(planned.ok, errorsOf(planned)).toBe(true);
      expect(step(planned, "team")).toMatchObject({ op: "replace", replaces: ["comment"], diffs: ["comment"] });

      // Both pools leave the program.
      const dropped = await stack.up([group("two")]);
      expect(dropped.ok).toBe(false);
      expect(step(dropped, "kept")?.op).toBe("delete");
      expect(step(dropped, "kept")?.error).toBeUndefined();
      expect(step(dropped, "guarded")?.error ?? errorsOf(dropped)).toMatch(/cannot be deleted\s+because it is protected/);
      expect(await pool("guarded"), "the protected pool stays").toBe(true);
      expect(await pool("kept"), "the retained pool stays on PVE").toBe(true);
      const names = [...(await exported(stack)).keys()];
      expect(names).toContain("guarded");
      expect(names).not.toContain("kept");

      // The group was replaced in the same run (the old one deleted first: same id).
      expect(step(dropped, "team")).toMatchObject({ op: "replace", replaces: ["comment"] });
      expect(step(dropped, "team")?.error).toBeUndefined();
      expect((await admin.get<{ comment?: string }>("/access/groups/team")).comment).toBe("two");

      const destroyRefused = await stack.destroy([guarded(true), group("two")]);
      expect(destroyRefused.ok).toBe(false);
      expect(await pool("guarded")).toBe(true);

      // Unprotecting is a change of the program; then the pool can go.
      const unprotected = await stack.up([guarded(false)]);
      expect(unprotected.ok, errorsOf(unprotected)).toBe(true);
      expect(step(unprotected, "guarded")?.op).toBe("same");
      const destroyed = await stack.destroy([guarded(false)]);
      expect(destroyed.ok, errorsOf(destroyed)).toBe(true);
      expect(await pool("guarded")).toBe(false);
      expect(await pool("kept"), "the retained pool is still there").toBe(true);
    } finally {
      await s.close();
    }
  }, 600_000);
});

describe("a TFA replacement, through the real pulumi CLI", () => {
  it("creates the new factor first: when that create fails, the user keeps the old one", async () => {
    const s = await tfaStack("tfa-replace");
    const { stack } = s;
    const phone = (totp: string, description: string): Declared[] => [
      { namespace: "access", kind: "Tfa", name: "phone", args: { userId: "alice@pve", type: "totp", totp: { $secret: totp }, description } },
    ];
    try {
      const created = await stack.up(phone(TOTP_A, "old phone"));
      expect(created.ok, errorsOf(created)).toBe(true);
      const oldId = (await exported(stack)).get("phone")?.id;
      const planned = await stack.preview(phone(TOTP_B, "new phone"));
      expect(planned.ok, errorsOf(planned)).toBe(true);
      expect(step(planned, "phone")).toMatchObject({ op: "replace", replaces: ["totp"] });

      stack.sim.faults.add({
        method: "POST",
        path: "/access/tfa/alice@pve",
        times: 1,
        action: { type: "status", status: 500, message: "adding tfa entry failed" },
      });
      const failed = await stack.up(phone(TOTP_B, "new phone"));
      expect(failed.ok).toBe(false);
      expect(
        (await tfaEntries(stack)).map((e) => e.description),
        "the old factor is still there",
      ).toEqual(["old phone"]);
      expect((await exported(stack)).get("phone")?.id, "the state still holds the old factor").toBe(oldId);

      const replaced = await stack.up(phone(TOTP_B, "new phone"));
      expect(replaced.ok, errorsOf(replaced)).toBe(true);
      const entries = await tfaEntries(stack);
      expect(entries.map((e) => e.description)).toEqual(["new phone"]);
      const now = (await exported(stack)).get("phone")?.id;
      expect(now).not.toBe(oldId);
      expect(await stack.exportText()).not.toContain("KRSXG5CTMVRXEZLU");
    } finally {
      await s.close();
    }
  }, 600_000);
});

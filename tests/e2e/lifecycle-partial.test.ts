/**
 * Issue 12 through the local engine and the simulator: creates that fail after PVE took them are
 * kept and converge on the next `up`; one-time secrets survive a lost create answer; an action whose
 * task answer was lost is not stuck; a TFA replacement creates the new factor first.
 */
import { describe, expect, it } from "vitest";
import { PARTIAL_CREATE_FAULTS, TOTP_A, partialCreateProgram } from "./lifecycle-programs";
import { ProxmoxClient } from "../../provider/client";
import type { EngineResult } from "../pulumi-engine";
import { type Declared, type Stack, newStack, stepsOf } from "./harness";

const TOTP_B = "otpauth://totp/pve:alice?secret=KRSXG5CTMVRXEZLU";

type TfaEntry = { id: string; type: string; description: string; enable?: number };
const tfaEntries = (stack: Stack): Promise<TfaEntry[]> => stack.admin.get<TfaEntry[]>("/access/tfa/alice@pve");

const errors = (r: EngineResult): string => r.steps.map((s) => s.error ?? "").join("\n");
const record = (stack: Stack, name: string) => stack.state().resources.find((r) => r.name === name);
/** A value of the decrypted state: secrets are `{ value }` sentinels there. */
const plain = (v: unknown): unknown => (typeof v === "object" && v !== null && "value" in v ? (v as { value: unknown }).value : v);

/** A stack whose provider logs in as root@pam (PVE refuses API tokens on /access/tfa), with user alice. */
async function tfaStack(): Promise<Stack> {
  const stack = await newStack("lifecycle-partial", "environment", { auth: "ticket" });
  await stack.admin.post("/access/users", { userid: "alice@pve", password: "alice-Passw0rd" });
  return stack;
}

describe("a create that fails after PVE took its first write", () => {
  it("keeps the object in the state (SDN apply task failed; TFA enable write failed), and the next up converges", async () => {
    const stack = await tfaStack();
    try {
      const program = partialCreateProgram;
      for (const rule of PARTIAL_CREATE_FAULTS) stack.sim.faults.add(rule);
      const failed = await stack.up(program);
      expect(failed.ok).toBe(false);
      expect(failed.steps.find((s) => s.name === "zone")?.error).toMatch(/'zp' was created, but applying the staged changes .* failed/);
      expect(failed.steps.find((s) => s.name === "phone")?.error).toMatch(/was created, but .*tfa config write failed/);
      expect(record(stack, "zone")).toMatchObject({ id: "zp", initErrors: [expect.stringContaining("reload network failed")] });
      // The state says what PVE holds (not disabled: PVE omits `enable` while it is on), so the next diff sees the change.
      expect(record(stack, "phone")?.outputs["enable"]).not.toBe(false);
      const created = await tfaEntries(stack);
      expect(created).toEqual([expect.objectContaining({ type: "totp", description: "phone" })]);
      expect(created[0]?.enable).toBeUndefined();

      const converged = await stack.up(program);
      expect(converged.ok, errors(converged)).toBe(true);
      expect(stepsOf(converged)).toEqual(["update phone", "update zone"]);
      const entries = await tfaEntries(stack);
      expect(entries, "no second factor").toHaveLength(1);
      expect(entries[0]?.enable).toBe(0);
      expect(record(stack, "zone")?.initErrors).toBeUndefined();
      expect(stepsOf(await stack.preview(program))).toEqual(["same phone", "same zone"]);
    } finally {
      await stack.close();
    }
  }, 600_000);
});

describe("a one-time secret whose create answer was lost", () => {
  it("is issued again and said so: the token is regenerated, the recovery keys recreated; the next up keeps them", async () => {
    const stack = await tfaStack();
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
      expect(first.steps.find((s) => s.name === "token")?.error).toMatch(/PVE's answer was lost/);
      expect(first.hostOutput.join("\n")).toMatch(/\[access:ApiToken root@pam!t1\] .*value it shows only once: issued a new one/);
      expect(first.hostOutput.join("\n")).toMatch(/\[access:Tfa alice@pve\] .*recoveryKeys it shows only once: deleted the new object and created it again/);

      const value = plain(record(stack, "token")?.outputs["value"]);
      expect(typeof value).toBe("string");
      const viaToken = new ProxmoxClient({ endpoint: stack.sim.endpoint, apiToken: `root@pam!t1=${String(value)}`, fingerprint: stack.sim.fingerprint });
      try {
        await expect(viaToken.get("/version")).resolves.toBeDefined();
      } finally {
        viaToken.close();
      }
      expect(plain(record(stack, "paper")?.outputs["recoveryKeys"])).toHaveLength(10);
      expect((await tfaEntries(stack)).filter((e) => e.type === "recovery")).toHaveLength(1);
      expect(stack.stateText()).not.toContain(String(value));

      const next = await stack.up(program);
      expect(next.ok, errors(next)).toBe(true);
      expect(plain(record(stack, "token")?.outputs["value"])).toBe(value);
      expect(stepsOf(await stack.preview(program))).toEqual(["same paper", "same token"]);
    } finally {
      await stack.close();
    }
  }, 600_000);
});

describe("an action whose task answer was lost", () => {
  it("is awaited on its recorded task by the next up, not read back and not run again", async () => {
    const stack = await newStack("lifecycle-partial");
    try {
      const program: Declared[] = [{ namespace: "node", kind: "ServiceAction", name: "restart", args: { node: "pve1", service: "cron", action: "restart" } }];
      // Every poll of the task's status loses its answer (the client retries 3 times, then gives up).
      stack.sim.faults.add({ method: "GET", path: "/nodes/pve1/tasks/*/status", times: 4, action: { type: "status", status: 596 } });
      const lost = await stack.up(program);
      expect(lost.ok).toBe(false);
      expect(record(stack, "restart")).toMatchObject({
        id: expect.stringMatching(/^UPID:pve1:.*:srvrestart:cron:/) as unknown,
        initErrors: [expect.any(String)],
      });

      const next = await stack.up(program);
      expect(next.ok, errors(next)).toBe(true);
      expect(stepsOf(next)).toEqual(["update restart"]);
      expect(record(stack, "restart")?.outputs).toMatchObject({ upid: record(stack, "restart")?.id, exitStatus: "OK" });
      const tasks = await stack.admin.get<Array<{ type: string }>>("/nodes/pve1/tasks", { typefilter: "srvrestart" });
      expect(
        tasks.filter((t) => t.type === "srvrestart"),
        "the restart ran once",
      ).toHaveLength(1);
    } finally {
      await stack.close();
    }
  }, 600_000);
});

describe("a TFA replacement", () => {
  it("creates the new factor first: when that create fails, the user keeps the old one", async () => {
    const stack = await tfaStack();
    const phone = (totp: string, description: string): Declared[] => [
      { namespace: "access", kind: "Tfa", name: "phone", args: { userId: "alice@pve", type: "totp", totp: { $secret: totp }, description } },
    ];
    try {
      expect((await stack.up(phone(TOTP_A, "old phone"))).ok).toBe(true);
      const planned = await stack.preview(phone(TOTP_B, "new phone"));
      expect(planned.steps.find((s) => s.name === "phone")).toMatchObject({ op: "replace", replaces: ["totp"] });

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

      const replaced = await stack.up(phone(TOTP_B, "new phone"));
      expect(replaced.ok, errors(replaced)).toBe(true);
      expect((await tfaEntries(stack)).map((e) => e.description)).toEqual(["new phone"]);
    } finally {
      await stack.close();
    }
  }, 600_000);
});

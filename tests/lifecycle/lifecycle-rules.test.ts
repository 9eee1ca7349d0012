/**
 * Issue 12's lifecycle rules on the engine alone (a scripted PVE): partial creates, one-time
 * secrets, reads with inputs, detailed diffs and the diff answer for Pulumi's host, TFA
 * create-before-delete, an action's update. The same rules run through the local engine in
 * `tests/e2e/lifecycle-*.test.ts`.
 */
import { describe, expect, it } from "vitest";
import { PROVIDER_KEY, PartialCreateError, create, diff, read, update } from "../../provider/engine";
import { StagedApplyError } from "../../provider/engine/commit";
import * as runtime from "../../provider/runtime";
import { definitionOf } from "../../schema/definitions";
import { fakeApi } from "./fake-api";
import { serviceRestart } from "./test-kinds";

const fail = (kind: string, message: string): never => {
  throw Object.assign(new Error(message), { kind });
};

describe("a create that PVE took", () => {
  const pool = definitionOf("cluster:Pool");

  it("whose staged apply failed is kept when the object is there, with its read-back", async () => {
    const zone = definitionOf("sdn:Zone");
    const api = fakeApi((method, path) => {
      if (path.endsWith("/lock")) return "token";
      if (method === "GET") return { zone: "z1", type: "simple", mtu: 1450 };
      return null;
    });
    const applied = new StagedApplyError("applying the staged changes (PUT /cluster/sdn) failed: reload failed", new Error("reload failed"));
    const commits = { staged: () => Promise.reject(applied) } as unknown as NonNullable<Parameters<typeof create>[3]>["commits"];
    const error = await create(zone, api, { zone: "z1", type: "simple", mtu: 1450 }, { commits }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialCreateError);
    expect(error).toMatchObject({ id: "z1", properties: { zone: "z1", type: "simple", mtu: 1450 } });
  });

  it("whose staged edit was rolled back (gone on a fresh read) fails with the original error", async () => {
    const zone = definitionOf("sdn:Zone");
    const api = fakeApi((method) => (method === "GET" ? fail("not-found", "sdn 'z1' does not exist") : null));
    const applied = new StagedApplyError("applying the staged changes (PUT /cluster/sdn) failed: rolled back", new Error("rolled back"));
    const commits = { staged: () => Promise.reject(applied) } as unknown as NonNullable<Parameters<typeof create>[3]>["commits"];
    await expect(create(zone, api, { zone: "z1", type: "simple" }, { commits })).rejects.toBe(applied);
  });

  it("that is not returned by a read is an error, not a resource in the state", async () => {
    const api = fakeApi((method) => (method === "GET" ? [] : null));
    const error = await create(pool, api, { poolId: "p" }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(PartialCreateError);
    expect(String(error)).toMatch(/was created, but PVE does not return it/);
  });

  it("whose refused create is not read again: the error stands", async () => {
    const api = fakeApi((method) => (method === "POST" ? fail("validation", "Parameter verification failed.") : [{ poolid: "p" }]));
    await expect(create(pool, api, { poolId: "p" })).rejects.toMatchObject({ kind: "validation" });
    expect(api.calls).toEqual(["POST /pools"]);
  });
});

describe("one-time secrets of a create whose answer was lost", () => {
  const token = definitionOf("access:ApiToken");
  const tokenRead = { comment: "ci", expire: 0, privsep: 1 };

  it("are issued again with the kind's reissue call, and the log says so", async () => {
    const lines: string[] = [];
    const api = fakeApi((method, _path, params) => {
      if (method === "POST") return fail("unreachable", "596 Connection timed out");
      if (method === "PUT") return params["regenerate"] === 1 ? { "full-tokenid": "root@pam!t1", value: "new-secret", ...tokenRead } : null;
      return tokenRead;
    });
    const error = await create(token, api, { userId: "root@pam", tokenId: "t1", comment: "ci" }, { onLog: (l) => lines.push(l) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialCreateError);
    expect((error as PartialCreateError).properties).toMatchObject({ value: "new-secret", fullTokenId: "root@pam!t1" });
    expect(lines).toEqual([expect.stringMatching(/the value it shows only once: issued a new one \(the lost one no longer works\)/)]);
  });

  it("that cannot be issued again are recorded as lost, and the next diff replaces the object", async () => {
    const api = fakeApi((method) => (method === "GET" ? tokenRead : fail("unreachable", "596 Connection timed out")));
    const error = (await create(token, api, { userId: "root@pam", tokenId: "t1", comment: "ci" }).catch((e: unknown) => e)) as PartialCreateError;
    expect(error.message).toMatch(/its one-time value could not be issued again \(596 Connection timed out\): the next update replaces it/);
    expect(error.properties["value"]).toBeNull();
    const next = diff(token, error.properties, { userId: "root@pam", tokenId: "t1", comment: "ci" });
    expect(next).toMatchObject({ changes: true, replaces: ["value"], deleteBeforeReplace: true, outputsOnly: ["value"] });
    // The inputs cannot show it: the answer to Pulumi's host says `changes: true`, not "diff the inputs".
    expect(await runtime.diff("access:ApiToken", "root@pam!t1", error.properties, { userId: "root@pam", tokenId: "t1", comment: "ci" })).toMatchObject({
      changes: true,
    });
    // An imported token never had its value: nothing to replace.
    expect(diff(token, { userId: "root@pam", tokenId: "t1", comment: "ci" }, { userId: "root@pam", tokenId: "t1", comment: "ci" }).changes).toBe(false);
  });

  it("of a TFA recovery entry (PVE's fixed id `recovery`) are recreated", async () => {
    const tfa = definitionOf("access:Tfa");
    let posts = 0;
    const api = fakeApi((method) => {
      if (method === "POST") return ++posts === 1 ? fail("unreachable", "596 Connection timed out") : { id: "recovery", recovery: ["k1", "k2"] };
      if (method === "DELETE") return null;
      return { id: "recovery", type: "recovery", description: "", created: 1 };
    });
    const error = (await create(tfa, api, { userId: "alice@pve", type: "recovery" }).catch((e: unknown) => e)) as PartialCreateError;
    expect(error).toBeInstanceOf(PartialCreateError);
    expect(error.id).toBe("alice@pve/recovery");
    expect(error.properties).toMatchObject({ entryId: "recovery", recoveryKeys: ["k1", "k2"] });
    expect(api.calls).toEqual([
      "POST /access/tfa/alice@pve",
      "GET /access/tfa/alice@pve/recovery",
      "DELETE /access/tfa/alice@pve/recovery",
      "POST /access/tfa/alice@pve",
      "GET /access/tfa/alice@pve/recovery",
    ]);
  });
});

describe("read", () => {
  it("returns the managed inputs as read back, write-only secrets restored by key, outputs left out", async () => {
    const user = definitionOf("access:User");
    const api = fakeApi(() => ({ userid: "u@pve", comment: "by hand", enable: 1, groups: [], tokens: [] }));
    const recorded = { userId: "u@pve", comment: "one", enable: true, password: "s3cret-pw" };
    const result = await read(user, api, "u@pve", recorded);
    expect(result.inputs).toEqual({ userId: "u@pve", comment: "by hand", enable: true, password: "s3cret-pw" });
    const token = definitionOf("access:ApiToken");
    const tokenApi = fakeApi(() => ({ comment: "ci", expire: 0, privsep: 1 }));
    const tokenRead = await read(token, tokenApi, "root@pam!t1", {
      userId: "root@pam",
      tokenId: "t1",
      comment: "ci",
      value: "secret",
      fullTokenId: "root@pam!t1",
    });
    expect(tokenRead.props).toMatchObject({ value: "secret" });
    expect(tokenRead.inputs).toEqual({ userId: "root@pam", tokenId: "t1", comment: "ci" });
  });

  it("keeps the program's form of a value PVE holds unchanged (list order), so that read-back inputs differ only where PVE does", async () => {
    const role = definitionOf("access:Role");
    const api = fakeApi(() => ({ "Sys.Audit": 1, "VM.Audit": 1 }));
    const result = await read(role, api, "R", { roleId: "R", privileges: ["VM.Audit", "Sys.Audit"] });
    expect(result.inputs).toEqual({ roleId: "R", privileges: ["VM.Audit", "Sys.Audit"] });
  });
});

describe("diff", () => {
  it("gives per-property kinds, with the replace variants", () => {
    const user = definitionOf("access:User");
    const result = diff(user, { userId: "a@pve", comment: "x", email: "a@example.com" }, { userId: "b@pve", email: "b@example.com", firstName: "B" });
    expect(result.detailedDiff).toEqual({
      comment: { kind: "DELETE", inputDiff: false },
      email: { kind: "UPDATE", inputDiff: false },
      firstName: { kind: "ADD", inputDiff: false },
      userId: { kind: "UPDATE_REPLACE", inputDiff: false },
    });
    expect(result.replaces).toEqual(["userId"]);
  });

  it("answers Pulumi's host: none, or changes left to the engine's input diff (the host drops per-property diffs)", async () => {
    const olds = { poolId: "p", comment: "one" };
    expect(await runtime.diff("cluster:Pool", "p", olds, { ...olds, [PROVIDER_KEY]: "shim" })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
      diffs: [],
      detailedDiff: {},
    });
    expect(await runtime.diff("cluster:Pool", "p", olds, { poolId: "q", comment: "two" })).toEqual({
      changes: undefined,
      replaces: ["poolId"],
      deleteBeforeReplace: false,
      diffs: ["comment", "poolId"],
      detailedDiff: { comment: { kind: "UPDATE", inputDiff: false }, poolId: { kind: "UPDATE_REPLACE", inputDiff: false } },
    });
  });

  it("creates a new TFA factor before it deletes the old one (PVE assigns the id), but not recovery keys (one fixed entry)", () => {
    const tfa = definitionOf("access:Tfa");
    const given = { userId: "alice@pve", type: "totp", totp: "otpauth://totp/a?secret=AAAA", description: "phone" };
    const old = { ...given, entryId: "totp-1" };
    expect(diff(tfa, old, { ...given, totp: "otpauth://totp/a?secret=BBBB" })).toMatchObject({ replaces: ["totp"], deleteBeforeReplace: false });
    const recovery = { userId: "alice@pve", type: "recovery", entryId: "recovery", recoveryKeys: null };
    expect(diff(tfa, recovery, { userId: "alice@pve", type: "recovery" })).toMatchObject({ replaces: ["recoveryKeys"], deleteBeforeReplace: true });
    // A type change from TOTP to recovery keys is a new entry: it comes first.
    expect(diff(tfa, old, { userId: "alice@pve", type: "recovery" })).toMatchObject({ deleteBeforeReplace: false });
  });
});

describe("an action's update", () => {
  const inputs = { node: "pve1", service: "cron" };
  const upid = "UPID:pve1:00001234:00005678:00000001:srvrestart:cron:root@pam:";

  it("keeps a finished run as recorded, without a call", async () => {
    const api = fakeApi(() => fail("server", "no call expected"));
    const { outs } = await update(serviceRestart, api, { ...inputs, upid, exitStatus: "OK", warnings: 0 }, inputs);
    expect(outs).toEqual({ ...inputs, upid, exitStatus: "OK", warnings: 0 });
    expect([...api.calls, ...api.waits]).toEqual([]);
  });

  it("awaits the recorded task of an unfinished run, without reading back or running again", async () => {
    const api = fakeApi(() => fail("server", "no call expected"));
    const { outs } = await update(serviceRestart, api, { ...inputs, upid }, inputs);
    expect(outs).toMatchObject({ upid, exitStatus: "OK" });
    expect(api.calls).toEqual([]);
    expect(api.waits).toEqual([upid]);
  });

  it("runs again when the recorded task failed, and says so", async () => {
    const again = "UPID:pve1:00001234:00005678:00000002:srvrestart:cron:root@pam:";
    const api = fakeApi(
      () => again,
      async (task) => (task === upid ? fail("task-failed", "restart failed") : { exitstatus: "OK", warnings: 0 }),
    );
    const lines: string[] = [];
    const { outs } = await update(serviceRestart, api, { ...inputs, upid }, inputs, { onLog: (l) => lines.push(l) });
    expect(outs).toMatchObject({ upid: again, exitStatus: "OK" });
    expect(api.calls).toEqual(["POST /nodes/pve1/services/cron/restart"]);
    expect(api.waits).toEqual([upid, again]);
    expect(lines).toEqual([expect.stringMatching(/recorded run .* failed: .*restart failed; running it again/)]);
  });

  it("stays partial when the task is still out of reach", async () => {
    const api = fakeApi(
      () => null,
      async () => fail("unreachable", "lost connection"),
    );
    await expect(update(serviceRestart, api, { ...inputs, upid }, inputs)).rejects.toBeInstanceOf(PartialCreateError);
  });
});

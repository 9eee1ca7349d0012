/** The general engine pieces kinds declare instead of hooks: rules, named formats, remote checks, deferred removal, assigned ids. */
import { describe, expect, it } from "vitest";
import { check, checkRemote, create, diff, formatId, parseId, read, remove, update, type EngineApi, type PveMethod } from "../../provider/engine";
import { taskWaitOptions } from "../../provider/engine/api";
import { defineKind } from "../../schema/define";
import { isCalendarEvent, resolveNamedFormat } from "../../schema/formats";
import { unknownPrivileges } from "../../schema/facts/privileges";
import { definitionOf } from "../../schema/definitions";

/** An EngineApi over a handler, recording calls. */
function fakeApi(handler: (method: PveMethod, path: string, params: Record<string, string | number>) => unknown): EngineApi & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async request<T>(method: PveMethod, path: string, params: Record<string, string | number> = {}): Promise<T> {
      calls.push(`${method} ${path}`);
      return handler(method, path, params) as T;
    },
    async waitForTask() {
      return { exitstatus: "OK", warnings: 0 };
    },
  };
}

const notFound = (): never => {
  throw Object.assign(new Error("does not exist"), { kind: "not-found" });
};

describe("oneOf", () => {
  const pool = defineKind({
    namespace: "test",
    name: "Member",
    description: "test",
    lifecycle: "collection",
    identity: ["poolid", "vms", "storage"],
    create: { method: "PUT", path: "/pools" },
    read: { path: "/pools" },
    exclude: ["comment", "allow-move"],
    fields: { vms: { single: true }, storage: { single: true } },
    oneOf: [{ fields: ["vms", "storage"], required: true }],
  });
  it("requires exactly one of the group, naming the fields", () => {
    expect(check(pool, { poolid: "p" }).failures).toEqual([{ property: "vms", reason: "exactly one of vms or storage is required" }]);
    expect(check(pool, { poolid: "p", vms: "100", storage: "local" }).failures).toEqual([
      { property: "storage", reason: "exactly one of vms or storage is allowed, got vms and storage" },
    ]);
    expect(check(pool, { poolid: "p", storage: "local" }).failures).toEqual([]);
  });
});

describe("variants", () => {
  const storage = definitionOf("storage:Storage");
  it("rejects a field of another type and names it", () => {
    const failures = check(storage, { storageId: "s", type: "dir", path: "/x", server: "10.0.0.1" }).failures;
    expect(failures).toHaveLength(1);
    expect(failures[0]?.property).toBe("server");
    expect(failures[0]?.reason).toMatch(/not an option of type 'dir'/);
  });
  it("requires the type's own required fields", () => {
    expect(check(storage, { storageId: "s", type: "nfs", server: "10.0.0.1" }).failures).toEqual([{ property: "export", reason: "is required for type 'nfs'" }]);
  });
});

describe("named formats", () => {
  it("resolve PVE's named property strings to typed sub-keys", () => {
    const resolved = resolveNamedFormat({ type: "string", format: "prune-backups" });
    expect(typeof resolved.format === "object" && Object.keys(resolved.format)).toContain("keep-last");
    expect(resolveNamedFormat({ type: "string", format: "pve-node" }).format).toBe("pve-node");
  });

  it.each(["daily", "*/15", "mon..fri 02:30", "sat 12:00", "8..17,22:0/15", "2025-03-12 10:00", "mon,wed,fri", "21:00", "fri 12..13:5/20", "*-*-01 00:00"])(
    "accept the calendar event %s",
    (event) => expect(isCalendarEvent(event)).toBe(true),
  );
  it.each(["", "every day", "25:00", "mon..xyz", "12:61", "*/0", "daily 12:00"])("reject %j as a calendar event", (event) => {
    expect(isCalendarEvent(event)).toBe(false);
  });

  it("check a schedule and retention in preview, naming the field", () => {
    const job = definitionOf("cluster:BackupJob");
    const failures = check(job, { jobId: "nightly", schedule: "at midnight", all: true, storage: "local", retention: { keepLast: 0 } }).failures;
    expect(failures.map((f) => f.property).sort()).toEqual(["retention.keepLast", "schedule"]);
  });
});

describe("remote checks", () => {
  const role = definitionOf("access:Role");
  const on = (version: string) => fakeApi((_m, path) => (path === "/version" ? { version, release: version.slice(0, 3), repoid: "x" } : notFound()));

  it("know the privileges of each PVE major version", () => {
    expect(unknownPrivileges(9, ["VM.Monitor", "VM.Audit"])).toEqual(["VM.Monitor"]);
    expect(unknownPrivileges(8, ["VM.Monitor", "VM.GuestAgent.Audit"])).toEqual(["VM.GuestAgent.Audit"]);
    expect(unknownPrivileges(12, ["X.Y"])).toBeUndefined();
  });

  it("reject a privilege the connected PVE dropped, saying what replaced it", async () => {
    const failures = await checkRemote(role, on("9.2.11"), { roleId: "R", privileges: ["VM.Audit", "VM.Monitor"] });
    expect(failures).toEqual([{ property: "privileges", reason: expect.stringMatching(/'VM.Monitor' was removed in PVE 9; use the VM.GuestAgent/) }]);
    expect(await checkRemote(role, on("8.4.1"), { roleId: "R", privileges: ["VM.Audit", "VM.Monitor"] })).toEqual([]);
  });

  it("pass a version they have no facts for (PVE decides)", async () => {
    expect(await checkRemote(role, on("10.0.1"), { roleId: "R", privileges: ["New.Priv"] })).toEqual([]);
  });
});

describe("deferred removal (awaitGone)", () => {
  it("waits until PVE no longer returns the object", async () => {
    const job = definitionOf("cluster:ReplicationJob");
    let reads = 0;
    const api = fakeApi((method) => {
      if (method === "DELETE") return null;
      reads++;
      return reads < 3 ? { id: "100-0", type: "local", target: "pve2", remove_job: "full" } : notFound();
    });
    await remove(job, api, "100-0", { id: "100-0", target: "pve2" });
    expect(reads).toBe(3);
  });

  it("gives up with a clear message after its limit", async () => {
    const job = definitionOf("cluster:ReplicationJob");
    const api = fakeApi((method) => (method === "DELETE" ? null : { id: "100-0", type: "local", target: "pve2" }));
    await expect(remove(job, api, "100-0", { id: "100-0" }, { removalTimeoutMs: 300 })).rejects.toThrow(/marked for removal, but PVE had not removed it/);
  });
});

describe("identity assigned by PVE", () => {
  const tfa = definitionOf("access:Tfa");
  it("takes the id from the create response and round-trips it", async () => {
    const api = fakeApi((method) =>
      method === "POST" ? { id: "recovery", recovery: ["a-b", "c-d"] } : { id: "recovery", type: "recovery", description: "", created: 1 },
    );
    const { id, outs } = await create(tfa, api, { userId: "alice@pve", type: "recovery" });
    expect(id).toBe("alice@pve/recovery");
    expect(outs).toMatchObject({ userId: "alice@pve", entryId: "recovery", recoveryKeys: ["a-b", "c-d"] });
    expect(parseId(tfa, id)).toEqual({ userid: "alice@pve", id: "recovery" });
    expect(formatId(tfa, { userid: "alice@pve", id: "recovery" })).toBe(id);
  });
});

describe("taskWaitOptions", () => {
  it("keeps the secret parameters of the call that started a task out of its log, and passes the log sink", () => {
    const onLog = (): void => undefined;
    expect(taskWaitOptions({ node: "pve1", password: "hunter2-long", "eab-hmac-key": "k3y-value" }, onLog)).toEqual({ onLog, secrets: ["hunter2-long", "k3y-value"] });
    expect(taskWaitOptions({ node: "pve1", force: 1 })).toEqual({});
  });
});

describe("triggers that run a collection's update again (updateOnTriggers)", () => {
  const cert = definitionOf("node:AcmeCertificate");
  const info = { filename: "pveproxy-ssl.pem", fingerprint: "AA", san: ["a.example.com"], notafter: 1 };

  it("accepts triggers, and a change of them is an update (not a replacement) that runs the update call with every managed field", async () => {
    expect(check(cert, { node: "pve1", triggers: { month: "1" } }).failures).toEqual([]);
    expect(check(cert, { node: "pve1", triggers: "x" }).failures).toEqual([{ property: "triggers", reason: "must be a map of values whose change runs the update again" }]);
    const olds = { node: "pve1", force: true, triggers: { month: "1" }, fingerprint: "AA", san: ["a.example.com"] };
    const news = { node: "pve1", force: true, triggers: { month: "2" } };
    expect(diff(cert, olds, news)).toMatchObject({ changes: true, replaces: [], changed: ["triggers"] });
    expect(diff(cert, olds, { ...news, triggers: { month: "1" } })).toMatchObject({ changes: false });
    const sent: string[] = [];
    const api = fakeApi((method, _path, params) => {
      if (method !== "GET") sent.push(`${method} ${JSON.stringify(params)}`);
      return method === "GET" ? [{ ...info, fingerprint: "BB" }] : "UPID:pve1:0:0:0:acmerenew::root@pam:";
    });
    const { outs } = await update(cert, api, olds, news);
    expect(sent).toEqual([`PUT ${JSON.stringify({ force: 1 })}`]);
    expect(outs).toMatchObject({ fingerprint: "BB", triggers: { month: "2" } });
  });

  it("pins the certificate by its names: a renewal is adopted, another certificate means this one is gone", async () => {
    const recorded = { node: "pve1", san: ["a.example.com"], fingerprint: "AA" };
    const renewed = fakeApi(() => [{ ...info, fingerprint: "BB" }]);
    expect((await read(cert, renewed, "pve1", recorded)).props).toMatchObject({ fingerprint: "BB" });
    const replaced = fakeApi(() => [{ ...info, fingerprint: "CC", san: ["other.example.com"] }]);
    expect(await read(cert, replaced, "pve1", recorded)).toEqual({ id: "", props: {} });
    // Importing (nothing recorded) adopts whatever certificate the node has.
    expect((await read(cert, replaced, "pve1", { node: "pve1" })).id).toBe("pve1");
  });
});

describe("an identity the read-back leaves out", () => {
  it("keeps the addressed identity instead of the schema's default (an ACME account's name)", async () => {
    const account = definitionOf("cluster:AcmeAccount");
    const api = fakeApi(() => ({ directory: "https://acme-v02.api.letsencrypt.org/directory", account: { status: "valid", contact: ["mailto:a@example.com"] } }));
    const { props } = await read(account, api, "main", { accountName: "main", contact: ["a@example.com"] });
    expect(props).toMatchObject({ accountName: "main", contact: ["a@example.com"], status: "valid" });
  });
});

describe("the schema's requires", () => {
  it("names the missing partner of a field that needs one (an EAB key id without its HMAC key)", () => {
    const account = definitionOf("cluster:AcmeAccount");
    const base = { accountName: "a", contact: ["a@example.com"], tosUrl: "https://ca.example/tos" };
    expect(check(account, { ...base, eabKid: "kid" }).failures).toEqual([{ property: "eabHmacKey", reason: "is required with eabKid" }]);
    expect(check(account, { ...base, eabHmacKey: "k" }).failures).toEqual([{ property: "eabKid", reason: "is required with eabHmacKey" }]);
    expect(check(account, { ...base, eabKid: "kid", eabHmacKey: "k" }).failures).toEqual([]);
  });
});

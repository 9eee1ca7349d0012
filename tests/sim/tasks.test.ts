/** Worker tasks: UPIDs, status, logs, stop, task lists (Tasks.pm semantics). */
import { describe, expect, it } from "vitest";
import { decodeUpid } from "./core/tasks";
import type { TestTaskPlan } from "./testkit/task-model";
import { testTaskModel } from "./testkit/task-model";
import { raw, TEST_TOKEN, waitTask } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

const plan: { current: TestTaskPlan } = { current: { lines: ["step 1"], pauseMs: 0 } };
const sim = useSimulator({ models: [testTaskModel(plan, { ms: 0, done: 0 })], taskDurationMs: 20 });
const root = { token: TEST_TOKEN };

async function start(node = "pve2", p: TestTaskPlan = { lines: ["step 1"], pauseMs: 0 }): Promise<string> {
  plan.current = p;
  const r = await raw(sim(), "POST", `/nodes/${node}/apt/update`, { auth: root, form: {} });
  expect(r.status, r.reason).toBe(200);
  return r.json?.data as string;
}

const path = (upid: string, suffix = ""): string => `/nodes/${upid.split(":")[1]}/tasks/${encodeURIComponent(upid)}${suffix}`;

describe("tasks", () => {
  it("returns a UPID in PVE's exact format, naming the node and the token user", async () => {
    // The clock runs while the request is served: the start time lies between the reads around it.
    const before = Math.floor(sim().clock.now() / 1000);
    const upid = await start("pve2");
    const after = Math.floor(sim().clock.now() / 1000);
    expect(upid).toMatch(/^UPID:pve2:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:aptupdate::root@pam!test:$/);
    const d = decodeUpid(upid);
    expect(d?.starttime).toBeGreaterThanOrEqual(before);
    expect(d?.starttime).toBeLessThanOrEqual(after);
    await waitTask(sim(), root, upid);
  });

  it("reports running then stopped with OK, and a log ending TASK OK", async () => {
    const upid = await start("pve1", { lines: ["a", "b", "c"], pauseMs: 40 });
    const running = await raw(sim(), "GET", path(upid, "/status"), { auth: root });
    expect(running.json?.data).toMatchObject({ status: "running", node: "pve1", type: "aptupdate", id: "", user: "root@pam", tokenid: "test" });
    expect((running.json?.data as Record<string, unknown>)["exitstatus"]).toBeUndefined();
    expect(await waitTask(sim(), root, upid)).toBe("OK");
    const log = await raw(sim(), "GET", path(upid, "/log"), { auth: root });
    expect(log.json?.data).toEqual([
      { n: 1, t: "a" },
      { n: 2, t: "b" },
      { n: 3, t: "c" },
      { n: 4, t: "TASK OK" },
    ]);
    expect(log.json?.total).toBe(4);
  });

  it("grows the log while the task runs", async () => {
    const upid = await start("pve1", { lines: ["one", "two", "three", "four"], pauseMs: 60 });
    const sizes: number[] = [];
    for (let i = 0; i < 200; i++) {
      const status = await raw(sim(), "GET", path(upid, "/status"), { auth: root });
      const log = await raw(sim(), "GET", path(upid, "/log"), { auth: root, query: { limit: 0 } });
      sizes.push(log.json?.total ?? 0);
      if ((status.json?.data as { status: string }).status === "stopped") break;
      await new Promise((r) => setTimeout(r, 15));
    }
    expect(new Set(sizes.filter((n) => n > 0 && n < 5)).size).toBeGreaterThan(1);
  });

  it("pages the log with start/limit (0 = all)", async () => {
    const upid = await start("pve1", { lines: ["1", "2", "3", "4", "5"], pauseMs: 0 });
    await waitTask(sim(), root, upid);
    const page = await raw(sim(), "GET", path(upid, "/log"), { auth: root, query: { start: 2, limit: 2 } });
    expect(page.json?.data).toEqual([
      { n: 3, t: "3" },
      { n: 4, t: "4" },
    ]);
    expect(page.json?.total).toBe(6);
    const all = await raw(sim(), "GET", path(upid, "/log"), { auth: root, query: { limit: 0 } });
    expect((all.json?.data as unknown[]).length).toBe(6);
  });

  it("ends with WARNINGS: n or the error text", async () => {
    const warn = await start("pve1", { lines: ["x"], pauseMs: 0, warnings: 2 });
    expect(await waitTask(sim(), root, warn)).toBe("WARNINGS: 2");
    const fail = await start("pve1", { lines: ["x"], pauseMs: 0, fail: "disk full\nreally" });
    expect(await waitTask(sim(), root, fail)).toBe("disk full really");
    const log = await raw(sim(), "GET", path(fail, "/log"), { auth: root });
    expect((log.json?.data as { t: string }[]).at(-1)?.t).toBe("TASK ERROR: disk full really");
  });

  it("stops a task with DELETE: TASK ERROR: received interrupt", async () => {
    const upid = await start("pve3", { lines: ["slow"], pauseMs: 5000 });
    const del = await raw(sim(), "DELETE", path(upid), { auth: root });
    expect(del.text).toBe('{"data":null}');
    expect(await waitTask(sim(), root, upid)).toBe("received interrupt");
  });

  it("refuses an unparsable UPID and a UPID of another node with PVE's 400s", async () => {
    const bad = await raw(sim(), "GET", "/nodes/pve1/tasks/UPID:nope/status", { auth: root });
    expect(bad.json?.errors).toEqual({ upid: "unable to parse worker upid" });
    const upid = await start("pve2");
    const other = await raw(sim(), "GET", `/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`, { auth: root });
    expect([other.status, other.json?.errors]).toEqual([400, { upid: "no such task" }]);
  });

  it("lists finished tasks by default (archive), running ones with source=active, newest first, with total", async () => {
    const done = await start("pve3");
    await waitTask(sim(), root, done);
    const running = await start("pve3", { lines: ["wait"], pauseMs: 3000 });
    const archive = await raw(sim(), "GET", "/nodes/pve3/tasks", { auth: root });
    const archived = archive.json?.data as { upid: string; status: string }[];
    expect(archived.map((t) => t.upid)).toContain(done);
    expect(archived.map((t) => t.upid)).not.toContain(running);
    const active = await raw(sim(), "GET", "/nodes/pve3/tasks", { auth: root, query: { source: "active" } });
    expect(active.json?.data).toEqual([expect.objectContaining({ upid: running, status: "RUNNING" })]);
    const all = await raw(sim(), "GET", "/nodes/pve3/tasks", { auth: root, query: { source: "all", limit: 1 } });
    expect((all.json?.data as unknown[]).length).toBe(1);
    expect(all.json?.total).toBeGreaterThanOrEqual(2);
    const errorsOnly = await raw(sim(), "GET", "/nodes/pve3/tasks", { auth: root, query: { errors: 1 } });
    expect((errorsOnly.json?.data as { status: string }[]).every((t) => t.status !== "OK")).toBe(true);
    const typed = await raw(sim(), "GET", "/nodes/pve3/tasks", { auth: root, query: { typefilter: "vzdump" } });
    expect(typed.json?.data).toEqual([]);
    expect(typed.json?.total).toBeUndefined();
    await raw(sim(), "DELETE", path(running), { auth: root });
  });

  it("lists the cluster's recent tasks", async () => {
    const upid = await start("pve2");
    await waitTask(sim(), root, upid);
    const r = await raw(sim(), "GET", "/cluster/tasks", { auth: root });
    expect(r.json?.data).toContainEqual(expect.objectContaining({ upid, node: "pve2", status: "OK" }));
  });

  it("runs realm sync as an auth-realm-sync task", async () => {
    await raw(sim(), "POST", "/access/domains", {
      auth: root,
      form: { realm: "corp", type: "ldap", base_dn: "dc=corp", user_attr: "uid", server1: "ldap.corp" },
    });
    const r = await raw(sim(), "POST", "/access/domains/corp/sync", { auth: root, form: { scope: "users" } });
    const upid = r.json?.data as string;
    expect(upid).toMatch(/:auth-realm-sync:corp:root@pam!test:$/);
    expect(await waitTask(sim(), root, upid)).toBe("OK");
  });
});

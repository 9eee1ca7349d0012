/**
 * The task API's details as pve-manager's `PVE/API2/Tasks.pm` and `Cluster.pm::tasks` serve them:
 * what each call checks, how logs read, what running and archived tasks look like, who sees what.
 */
import { gunzipSync } from "node:zlib";
import { request } from "node:https";
import { beforeAll, describe, expect, it } from "vitest";
import type { TestTaskPlan } from "./testkit/task-model";
import { testTaskModel } from "./testkit/task-model";
import { login, raw, TEST_TOKEN, waitTask } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

const plan: { current: TestTaskPlan } = { current: { lines: ["step 1"], pauseMs: 0 } };
const sim = useSimulator({ models: [testTaskModel(plan, { ms: 0, done: 0 })], taskDurationMs: 20 });
const root = { token: TEST_TOKEN };

type Creds = Parameters<typeof raw>[3] extends infer O ? (O extends { auth?: infer A } ? A : never) : never;

async function start(node: string, p: TestTaskPlan, auth: Creds = root): Promise<string> {
  plan.current = p;
  const r = await raw(sim(), "POST", `/nodes/${node}/apt/update`, { auth, form: {} });
  expect(r.status, r.text).toBe(200);
  return r.json?.data as string;
}

const path = (upid: string, suffix = ""): string => `/nodes/${upid.split(":")[1]}/tasks/${encodeURIComponent(upid)}${suffix}`;
const taskList = async (node: string, query: Record<string, string | number>, auth: Creds = root): Promise<Record<string, unknown>[]> =>
  ((await raw(sim(), "GET", `/nodes/${node}/tasks`, { auth, query })).json?.data ?? []) as Record<string, unknown>[];

describe("task calls", () => {
  it("answers the task index for any string, without looking the task up (upid_index)", async () => {
    const r = await raw(sim(), "GET", "/nodes/pve1/tasks/not-a-upid", { auth: root });
    expect([r.status, r.json?.data]).toEqual([200, [{ name: "log" }, { name: "status" }]]);
  });

  it("reads the log of a UPID this node never ran as one line saying the file is missing (dump_logfile)", async () => {
    const upid = "UPID:pve1:00001234:00005678:6500AB00:aptupdate::root@pam:";
    const r = await raw(sim(), "GET", `/nodes/pve1/tasks/${encodeURIComponent(upid)}/log`, { auth: root });
    expect([r.status, r.json?.data, r.json?.total]).toEqual([200, [{ n: 1, t: "unable to open file - No such file or directory" }], 1]);
  });

  it("reads an empty log as one 'no content' line with total 1", async () => {
    const upid = await start("pve2", { lines: [], pauseMs: 0, holdMs: 3000 });
    const r = await raw(sim(), "GET", path(upid, "/log"), { auth: root });
    await raw(sim(), "DELETE", path(upid), { auth: root });
    expect([r.json?.data, r.json?.total]).toEqual([[{ n: 1, t: "no content" }], 1]);
  });

  it("refuses download with start or limit as a plain 500 (a die, not a parameter error)", async () => {
    const upid = await start("pve1", { lines: ["a"], pauseMs: 0 });
    await waitTask(sim(), root, upid);
    const r = await raw(sim(), "GET", path(upid, "/log"), { auth: root, query: { download: 1, limit: 10 } });
    expect([r.status, r.json?.message, r.json?.errors]).toEqual([500, "'download' cannot be used together with 'start' or 'limit' parameters\n", undefined]);
  });

  it("downloads the log as a text/plain attachment named after node, type and start time, gzipped when over 1 KiB", async () => {
    const small = await start("pve1", { lines: ["a", "b"], pauseMs: 0 });
    await waitTask(sim(), root, small);
    const r = await raw(sim(), "GET", path(small, "/log"), { auth: root, query: { download: 1 } });
    expect([r.status, r.headers["content-type"], r.text]).toEqual([200, "text/plain", "a\nb\nTASK OK\n"]);
    expect(r.headers["content-disposition"]).toMatch(/^attachment; filename="task-pve1-aptupdate-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.log"$/);
    const big = await start("pve1", { lines: Array.from({ length: 60 }, (_, i) => `line ${i} ${"x".repeat(20)}`), pauseMs: 0 });
    await waitTask(sim(), root, big);
    const s = sim();
    const body = await new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
      const req = request(
        `${s.endpoint}/api2/json${path(big, "/log")}?download=1`,
        { ca: s.caCert, agent: false, headers: { Authorization: `PVEAPIToken=${TEST_TOKEN}` } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ encoding: res.headers["content-encoding"], bytes: Buffer.concat(chunks) }));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(body.encoding).toBe("gzip");
    expect(gunzipSync(body.bytes).toString("utf8")).toMatch(/^line 0 x+\n[\s\S]*TASK OK\n$/);
  });

  it("chomps one trailing newline of a task's error and turns the others into spaces", async () => {
    const upid = await start("pve1", { lines: [], pauseMs: 0, fail: "disk full\n\n" });
    expect(await waitTask(sim(), root, upid)).toBe("disk full ");
  });
});

describe("task lists (node_tasks)", () => {
  it("lists archived tasks most recently finished first, as the index reads backwards", async () => {
    const slow = await start("pve3", { lines: ["slow"], pauseMs: 0, holdMs: 5000 });
    const quick = await start("pve3", { lines: ["quick"], pauseMs: 0 });
    await waitTask(sim(), root, quick);
    await raw(sim(), "DELETE", path(slow), { auth: root });
    await waitTask(sim(), root, slow);
    const upids = (await taskList("pve3", { limit: 2 })).map((t) => t["upid"]);
    expect(upids).toEqual([slow, quick]);
  });

  it("matches userfilter against the user of an archived task, not its token", async () => {
    const upid = await start("pve3", { lines: ["x"], pauseMs: 0 });
    await waitTask(sim(), root, upid);
    expect((await taskList("pve3", { userfilter: "root@" })).map((t) => t["upid"])).toContain(upid);
    expect((await taskList("pve3", { userfilter: "test" })).map((t) => t["upid"])).not.toContain(upid);
  });

  it("compares statusfilter case-insensitively", async () => {
    const upid = await start("pve3", { lines: ["x"], pauseMs: 0 });
    await waitTask(sim(), root, upid);
    expect((await taskList("pve3", { statusfilter: "OK" })).map((t) => t["upid"])).toContain(upid);
  });

  it("shows a running task as the active file has it: the token user unsplit, saved '0', status RUNNING of type unknown", async () => {
    const upid = await start("pve2", { lines: ["wait"], pauseMs: 0, holdMs: 5000 });
    const active = await taskList("pve2", { source: "active", statusfilter: "unknown" });
    const mine = active.find((t) => t["upid"] === upid);
    expect(mine).toMatchObject({ user: "root@pam!test", saved: "0", status: "RUNNING", type: "aptupdate", node: "pve2" });
    expect(mine).not.toHaveProperty("tokenid");
    await raw(sim(), "DELETE", path(upid), { auth: root });
  });
});

describe("who sees a token's tasks ($check_task_user, Cluster.pm::tasks)", () => {
  const password = "runner-password-1";
  let token: { token: string };
  let ticket: { ticket: string; csrf: string };
  beforeAll(async () => {
    await raw(sim(), "POST", "/access/roles", { auth: root, form: { roleid: "TaskRunner", privs: "Sys.Modify" } });
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "runner@pve", password } });
    await raw(sim(), "PUT", "/access/acl", { auth: root, form: { path: "/nodes/pve1", users: "runner@pve", roles: "TaskRunner" } });
    const made = await raw(sim(), "POST", "/access/users/runner@pve/token/t1", { auth: root, form: { privsep: 0 } });
    token = { token: `runner@pve!t1=${(made.json?.data as { value: string }).value}` };
    ticket = await login(sim(), "runner@pve", password);
  });

  it("hides a token's running task from its user (the active file's user is not split), shows it once archived", async () => {
    const upid = await start("pve1", { lines: ["wait"], pauseMs: 0, holdMs: 5000 }, token);
    expect((await taskList("pve1", { source: "active" }, token)).map((t) => t["upid"])).toContain(upid);
    expect((await taskList("pve1", { source: "active" }, ticket)).map((t) => t["upid"])).not.toContain(upid);
    await raw(sim(), "DELETE", path(upid), { auth: root });
    await waitTask(sim(), root, upid);
    expect((await taskList("pve1", {}, ticket)).map((t) => t["upid"])).toContain(upid);
  });

  it("lists a token's task in /cluster/tasks for its user but not for the token itself", async () => {
    const upid = await start("pve1", { lines: ["x"], pauseMs: 0 }, token);
    await waitTask(sim(), root, upid);
    const forToken = ((await raw(sim(), "GET", "/cluster/tasks", { auth: token })).json?.data ?? []) as Record<string, unknown>[];
    const forUser = ((await raw(sim(), "GET", "/cluster/tasks", { auth: ticket })).json?.data ?? []) as Record<string, unknown>[];
    expect(forToken.map((t) => t["upid"])).not.toContain(upid);
    expect(forUser.find((t) => t["upid"] === upid)).toMatchObject({ user: "runner@pve", tokenid: "t1", status: "OK", saved: "1" });
    expect(forUser.find((t) => t["upid"] === upid)).not.toHaveProperty("pstart");
  });
});

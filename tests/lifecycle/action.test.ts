import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { check, create, diff, read, remove } from "../../provider/engine";
import { emitKind } from "../../schema/codegen/emit";
import { defineKind } from "../../schema/define";
import { serviceRestart } from "./test-kinds";
import { startSimulator, type Simulator } from "../sim";

const restart = serviceRestart;

let sim: Simulator;
let client: ProxmoxClient;

beforeAll(async () => {
  sim = await startSimulator({ nodes: 2, apiToken: "root@pam!t=22222222-3333-4444-5555-666666666666", authFailureDelayMs: 0, taskDurationMs: 30 });
  client = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: sim.apiToken, fingerprint: sim.fingerprint, taskPollIntervalMs: 5 });
});
afterAll(async () => {
  client?.close();
  await sim?.close();
});

describe("action lifecycle", () => {
  it("runs the operation, waits for its task and records how it ended", async () => {
    const lines: string[] = [];
    const { id, outs } = await create(restart, client, { node: "pve2", service: "pveproxy" }, { onLog: (l) => lines.push(l) });
    expect(id).toMatch(/^UPID:pve2:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:srvrestart:pveproxy:root@pam!t:$/);
    expect(outs).toMatchObject({ node: "pve2", service: "pveproxy", upid: id, exitStatus: "OK", warnings: 0 });
    expect(lines.at(-1)).toBe("TASK OK");
    const tasks = await client.get<Array<{ upid: string; status: string }>>("/nodes/pve2/tasks", { typefilter: "srvrestart" });
    expect(tasks.map((t) => t.upid)).toContain(id);
  });

  it("reruns when an input or a trigger changes, and not otherwise", () => {
    const olds = { node: "pve1", service: "pveproxy", triggers: { cert: "v1" }, upid: "UPID:x", exitStatus: "OK" };
    expect(diff(restart, olds, { node: "pve1", service: "pveproxy", triggers: { cert: "v1" } }).changes).toBe(false);
    expect(diff(restart, olds, { node: "pve1", service: "pveproxy", triggers: { cert: "v2" } })).toMatchObject({ changes: true, replaces: ["triggers"] });
    expect(diff(restart, olds, { node: "pve1", service: "pvedaemon", triggers: { cert: "v1" } }).replaces).toEqual(["service"]);
  });

  it("checks triggers and the service name", () => {
    expect(check(restart, { node: "pve1", service: "pveproxy", triggers: "yes" }).failures).toEqual([
      { property: "triggers", reason: "must be a map of values whose change reruns the action" },
    ]);
    expect(check(restart, { node: "pve1", service: "nginx" }).failures.map((f) => f.property)).toEqual(["service"]);
  });

  it("fails with the task's error when the task fails, and forgets nothing it did on delete", async () => {
    sim.faults.add({ path: "/nodes/pve1/services/*/restart", times: 1, action: { type: "task-fail", message: "restart failed: unit not found" } });
    await expect(create(restart, client, { node: "pve1", service: "pvedaemon" })).rejects.toMatchObject({ kind: "task-failed" });
    const props = { node: "pve1", service: "pvedaemon", upid: "UPID:recorded" };
    expect(await read(restart, client, "UPID:recorded", props)).toEqual({ id: "UPID:recorded", props, inputs: { node: "pve1", service: "pvedaemon" } });
    await expect(remove(restart, client, "UPID:recorded", props)).resolves.toBeUndefined();
  });

  it("generates an SDK class with triggers and the run's outputs", () => {
    const text = emitKind(restart);
    expect(text).toContain("readonly triggers?: pulumi.Input<Record<string, pulumi.Input<string>>>;");
    expect(text).toContain("declare public readonly exitStatus: pulumi.Output<string>;");
    expect(text).toContain("id the UPID of its run");
  });
});

// An action whose path segment is an input: one kind for start/stop/restart/reload.
describe("an action path chosen by an input", () => {
  const serviceKind = (values: readonly [string, ...string[]]) =>
    defineKind({
      namespace: "test",
      name: "ServiceAction",
      description: "Starts, stops, restarts or reloads a node service.",
      lifecycle: "action",
      identity: ["node", "service", "action"],
      create: { method: "POST", path: "/nodes/{node}/services/{service}/{action}" },
      pathChoice: { param: "action", doc: "What to do.", values },
    });
  const chosen = serviceKind(["start", "stop", "restart", "reload"]);

  it("is a required enum field, checked in preview, never sent as a parameter", async () => {
    expect(chosen.fieldsBySdkName.get("action")).toMatchObject({ required: true, replaceOnChange: true });
    expect(check(chosen, { node: "pve1", service: "pveproxy", action: "explode" }).failures.map((f) => f.property)).toEqual(["action"]);
    expect(check(chosen, { node: "pve1", service: "pveproxy" }).failures.map((f) => f.property)).toEqual(["action"]);
    const { id } = await create(chosen, client, { node: "pve1", service: "postfix", action: "stop" });
    expect(id).toContain(":srvstop:postfix:");
    expect((await client.get<{ state: string }>("/nodes/pve1/services/postfix/state")).state).toBe("dead");
    expect(diff(chosen, { node: "pve1", service: "postfix", action: "stop" }, { node: "pve1", service: "postfix", action: "start" }).replaces).toEqual([
      "action",
    ]);
  });

  it("refuses a choice the schema has no method for", () => {
    expect(() => serviceKind(["explode"])).toThrow(/explode/);
  });
});

import { readFileSync } from "node:fs";
import nock from "nock";
import { describe, expect, test } from "vitest";
import type { PveApiError } from "../../index";
import { API, ORIGIN, TOKEN_SECRET, rejection, tokenClient } from "./helpers";
import { useNock } from "./nock";

useNock();
const UPID = "UPID:pve2:000FF1FD:10F9374C:630D702C:vzdump:110:root@pam:";
// The node comes from the UPID (pve2), and the UPID is one encoded path segment.
const BASE = `${API}/nodes/pve2/tasks/${encodeURIComponent(UPID)}`;
const proxmoxer = (name: string): { data: Record<string, unknown> } =>
  JSON.parse(readFileSync(`/work/shared/fixtures/proxmoxer/${name}`, "utf8")) as { data: Record<string, unknown> };
const running = { data: { ...proxmoxer("task_status_running.json").data, upid: UPID, node: "pve2" } };
const stopped = (exitstatus: string) => ({ data: { ...proxmoxer("task_status_stopped_ok.json").data, upid: UPID, node: "pve2", exitstatus } });
const lines = (from: number, texts: string[]) => ({ data: texts.map((t, i) => ({ n: from + i, t })), total: from + texts.length - 1 });

describe("waitForTask", () => {
  test("polls running → running → stopped, streams new log lines in order, resolves OK", async () => {
    const status = nock(ORIGIN).get(`${BASE}/status`).times(2).reply(200, running).get(`${BASE}/status`).reply(200, stopped("OK"));
    const log = nock(ORIGIN)
      .get(`${BASE}/log`)
      .query({ start: "0", limit: "500" })
      .reply(200, { data: [{ n: 1, t: "no content" }] })
      .get(`${BASE}/log`)
      .query({ start: "0", limit: "500" })
      .reply(200, lines(1, ["INFO: starting new backup job", "INFO: Starting Backup of VM 110"]))
      .get(`${BASE}/log`)
      .query({ start: "2", limit: "500" })
      .reply(200, lines(3, ["INFO: Finished Backup of VM 110", "TASK OK"]));
    const seen: string[] = [];
    const result = await tokenClient().waitForTask(UPID, { onLog: (l) => seen.push(l) });
    status.done();
    log.done();
    expect(seen).toEqual(["INFO: starting new backup job", "INFO: Starting Backup of VM 110", "INFO: Finished Backup of VM 110", "TASK OK"]);
    expect(result).toEqual({ upid: UPID, node: "pve2", exitstatus: "OK", warnings: 0, log: seen, logLines: 4 });
  });

  test("WARNINGS: n is success with the warning count; without onLog the log is read once at the end", async () => {
    nock(ORIGIN).get(`${BASE}/status`).reply(200, running).get(`${BASE}/status`).reply(200, stopped("WARNINGS: 2"));
    const log = nock(ORIGIN)
      .get(`${BASE}/log`)
      .query({ start: "0", limit: "500" })
      .reply(200, lines(1, ["WARN: a", "WARN: b", "TASK WARNINGS: 2"]));
    const result = await tokenClient().waitForTask(UPID);
    log.done();
    expect(result).toMatchObject({ exitstatus: "WARNINGS: 2", warnings: 2, log: ["WARN: a", "WARN: b", "TASK WARNINGS: 2"] });
  });

  test("any other exit status throws task-failed with the upid and the last 20 log lines", async () => {
    nock(ORIGIN).get(`${BASE}/status`).reply(200, proxmoxer("task_status_stopped_error.json"));
    const texts = Array.from({ length: 25 }, (_, i) => `line ${i + 1}`);
    nock(ORIGIN)
      .get(`${BASE}/log`)
      .query(true)
      .reply(200, lines(1, [...texts, "TASK ERROR: interrupted by signal"]));
    const error = (await rejection(tokenClient().waitForTask(UPID))) as PveApiError;
    expect(error).toMatchObject({ kind: "task-failed", upid: UPID, pveMessage: "interrupted by signal" });
    expect(error.taskLog).toHaveLength(20);
    expect(error.taskLog?.at(-1)).toBe("TASK ERROR: interrupted by signal");
    expect(error.taskLog?.[0]).toBe("line 7");
    expect(error.message).toMatch(/^task vzdump 110 on pve2 failed: interrupted by signal\n/);
  });

  test("log lines, the exit status and the error carry neither the client's credentials nor the secrets it was given", async () => {
    const passed = "s3cr3t-plugin-data";
    nock(ORIGIN)
      .get(`${BASE}/status`)
      .reply(200, running)
      .get(`${BASE}/status`)
      .reply(200, stopped(`login with ${passed} failed`));
    nock(ORIGIN)
      .get(`${BASE}/log`)
      .query({ start: "0", limit: "500" })
      .reply(200, lines(1, [`using token ${TOKEN_SECRET}`]))
      .get(`${BASE}/log`)
      .query({ start: "1", limit: "500" })
      .reply(200, lines(2, [`TASK ERROR: login with ${passed} failed`]));
    const seen: string[] = [];
    const error = (await rejection(tokenClient().waitForTask(UPID, { onLog: (l) => seen.push(l), secrets: [passed] }))) as PveApiError;
    expect(seen).toEqual(["using token [redacted]", "TASK ERROR: login with [redacted] failed"]);
    expect(error.taskLog).toEqual(seen);
    expect(error.pveMessage).toBe("login with [redacted] failed");
    expect(JSON.stringify({ message: error.message, error })).not.toMatch(new RegExp(`${passed}|${TOKEN_SECRET}`));
  });

  test("times out with kind timeout while the task keeps running", async () => {
    const scope = nock(ORIGIN).get(`${BASE}/status`).times(1000).reply(200, running);
    const error = (await rejection(tokenClient().waitForTask(UPID, { timeoutMs: 30 }))) as PveApiError;
    expect(error).toMatchObject({ kind: "timeout", upid: UPID });
    expect(scope.pendingMocks().length).toBeGreaterThan(0); // it stopped polling
  });

  test("an aborted wait stops with kind timeout", async () => {
    nock(ORIGIN).get(`${BASE}/status`).times(1000).reply(200, running);
    const controller = new AbortController();
    const waiting = tokenClient().waitForTask(UPID, { signal: controller.signal });
    controller.abort();
    expect(await rejection(waiting)).toMatchObject({ kind: "timeout" });
  });

  test("a malformed UPID is a validation error and sends nothing", async () => {
    expect(await rejection(tokenClient().waitForTask("UPID:bogus"))).toMatchObject({ kind: "validation" });
  });
});

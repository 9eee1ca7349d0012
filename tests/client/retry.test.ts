import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { retryDelay, shouldRetry, type RetryFacts } from "../../provider/client/retry";
import type { PveApiError } from "../../index";
import { rejection } from "./helpers";
import { clientFor, reply, startServer, type TestServer } from "./server";

describe("shouldRetry (pure policy)", () => {
  test.each<[RetryFacts, boolean]>([
    [{ method: "GET", kind: "server", status: 500 }, true],
    [{ method: "GET", kind: "unreachable", code: "ECONNRESET" }, true],
    [{ method: "GET", kind: "timeout", code: "ETIMEDOUT" }, true],
    [{ method: "GET", kind: "not-found", status: 500 }, false],
    [{ method: "GET", kind: "validation", status: 400 }, false],
    [{ method: "GET", kind: "permission", status: 403 }, false],
    [{ method: "GET", kind: "auth", status: 401 }, false],
    [{ method: "PUT", kind: "server", status: 500 }, false],
    [{ method: "POST", kind: "server", status: 500 }, false],
    [{ method: "POST", kind: "locked", status: 500 }, true],
    [{ method: "DELETE", kind: "locked", status: 500 }, true],
    [{ method: "POST", kind: "unreachable", status: 595 }, true],
    [{ method: "POST", kind: "unreachable", status: 596 }, false],
    [{ method: "POST", kind: "unreachable", status: 596, idempotent: true }, true],
    [{ method: "PUT", kind: "unreachable", status: 596 }, true],
    [{ method: "DELETE", kind: "unreachable", status: 596 }, true],
    [{ method: "POST", kind: "unreachable", code: "ECONNRESET" }, false],
    [{ method: "POST", kind: "unreachable", code: "ECONNRESET", idempotent: true }, true],
    [{ method: "POST", kind: "unreachable", code: "ECONNREFUSED" }, true],
    [{ method: "POST", kind: "timeout", code: "ETIMEDOUT" }, false],
    [{ method: "GET", kind: "unreachable", code: "ERR_PVE_FINGERPRINT_MISMATCH" }, false],
    [{ method: "PUT", kind: "conflict", status: 500 }, false],
    [{ method: "GET", kind: "task-failed" }, false],
  ])("%o → %s", (facts, expected) => {
    expect(shouldRetry(facts)).toBe(expected);
  });

  test("backoff grows, is capped, has jitter, and is never 0", () => {
    expect(retryDelay(1, 100, 1000, () => 0)).toBe(50);
    expect(retryDelay(1, 100, 1000, () => 1)).toBe(100);
    expect(retryDelay(3, 100, 1000, () => 1)).toBe(400);
    expect(retryDelay(10, 100, 1000, () => 1)).toBe(1000);
    expect(retryDelay(1, 1, 1, () => 0)).toBe(1);
  });
});

describe("retries on the wire", () => {
  let server: TestServer;
  // Each path answers with a scripted list of [status, reason, body]; the last entry repeats.
  const scripts = new Map<string, [number, string, unknown][]>();
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const path = req.url.split("?")[0]!.replace("/api2/json", "");
      const script = scripts.get(`${req.method} ${path}`) ?? [[200, "OK", { data: null }]];
      const [status, reason, body] = script.length > 1 ? script.shift()! : script[0]!;
      reply(res, status, body, reason);
    });
  });
  afterAll(() => server.close());
  const count = (method: string, path: string): number =>
    server.requests.filter((r) => r.method === method && r.url.split("?")[0] === `/api2/json${path}`).length;

  test("a GET is retried on a transient 500 and succeeds", async () => {
    scripts.set("GET /cluster/resources", [
      [500, "proxy loop detected", { data: null }],
      [596, "Connection timed out", undefined],
      [200, "OK", { data: [{ id: "qemu/100" }] }],
    ]);
    expect(await clientFor(server).get("/cluster/resources")).toEqual([{ id: "qemu/100" }]);
    expect(count("GET", "/cluster/resources")).toBe(3);
  });

  test("a GET that is not-found is not retried", async () => {
    scripts.set("GET /nodes/pve1/qemu/999/config", [[500, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist", { data: null }]]);
    const error = (await rejection(clientFor(server).get("/nodes/pve1/qemu/999/config"))) as PveApiError;
    expect(error.kind).toBe("not-found");
    expect(count("GET", "/nodes/pve1/qemu/999/config")).toBe(1);
  });

  test("a POST is not retried on 596 (fate unknown), but is when declared idempotent", async () => {
    scripts.set("POST /nodes/pve1/qemu/100/status/start", [[596, "Connection timed out", undefined]]);
    const error = (await rejection(clientFor(server).post("/nodes/pve1/qemu/100/status/start"))) as PveApiError;
    expect(error).toMatchObject({ kind: "unreachable", status: 596 });
    expect(count("POST", "/nodes/pve1/qemu/100/status/start")).toBe(1);

    scripts.set("POST /nodes/pve1/qemu/100/status/stop", [
      [596, "Connection timed out", undefined],
      [200, "OK", { data: "UPID:pve1:000A1B2C:0153F0E1:66F1A2B3:qmstop:100:root@pam:" }],
    ]);
    await clientFor(server).post("/nodes/pve1/qemu/100/status/stop", {}, { idempotent: true });
    expect(count("POST", "/nodes/pve1/qemu/100/status/stop")).toBe(2);
  });

  test("any method is retried on 595 and on lock timeouts (nothing was changed)", async () => {
    scripts.set("POST /access/users", [
      [500, "create user failed: cfs-lock 'file-user_cfg' error: got lock request timeout", { data: null }],
      [595, "No route to host", undefined],
      [200, "OK", { data: null }],
    ]);
    await clientFor(server).post("/access/users", { userid: "bob@pve" });
    expect(count("POST", "/access/users")).toBe(3);
  });

  test("an error after a retry says so: the first attempt may have done the write", async () => {
    scripts.set("DELETE /cluster/sdn/zones/zd", [
      [596, "Connection timed out", undefined],
      [500, "delete sdn zone object failed: sdn zone object ID 'zd' does not exist", { data: null }],
    ]);
    const retried = (await rejection(clientFor(server).delete("/cluster/sdn/zones/zd"))) as PveApiError;
    expect(retried).toMatchObject({ kind: "not-found", retried: true });
    scripts.set("DELETE /cluster/sdn/zones/zx", [[500, "delete sdn zone object failed: sdn zone object ID 'zx' does not exist", { data: null }]]);
    const once = (await rejection(clientFor(server).delete("/cluster/sdn/zones/zx"))) as PveApiError;
    expect(once).toMatchObject({ kind: "not-found", retried: false });
  });

  test("a POST that failed with a plain 500 is not retried", async () => {
    scripts.set("POST /nodes/pve1/qemu", [[500, "unable to create VM 100 - VM 100 already exists on node 'pve1'", { data: null }]]);
    const error = (await rejection(clientFor(server).post("/nodes/pve1/qemu", { vmid: 100 }))) as PveApiError;
    expect(error.kind).toBe("conflict");
    expect(count("POST", "/nodes/pve1/qemu")).toBe(1);
  });

  test("retries stop at the limit", async () => {
    scripts.set("GET /cluster/status", [[596, "Connection timed out", undefined]]);
    const error = (await rejection(clientFor(server, { retries: 2 }).get("/cluster/status"))) as PveApiError;
    expect(error.kind).toBe("unreachable");
    expect(count("GET", "/cluster/status")).toBe(3);
  });
});

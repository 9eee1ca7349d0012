import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PveApiError } from "../../index";
import { API_TOKEN, rejection } from "./helpers";
import { clientFor, reply, startServer, type TestServer } from "./server";

const PROXMOXER_400 = JSON.parse(readFileSync("/work/shared/fixtures/proxmoxer/qemu_monitor_400_param_error.json", "utf8")) as unknown;

// Each path answers with one fixed [status, reason phrase, body] (body undefined = empty).
const ROUTES: Record<string, [number, string, unknown]> = {
  "POST /nodes/pve1/qemu": [
    400,
    "Parameter verification failed.",
    {
      data: null,
      errors: {
        cores: "type check ('integer') failed - got 'four'",
        foo: "property is not defined in schema and the schema does not allow additional properties",
      },
      message: "Parameter verification failed.\n",
    },
  ],
  "POST /nodes/pve1/qemu/100/monitor": [400, "Parameter verification failed.", PROXMOXER_400], // old PVE: no message in JSON
  "GET /cluster/resources": [401, "No ticket", undefined],
  "GET /nodes/pve1/qemu/100/config": [403, "Permission check failed (/vms/100, VM.Audit)", { data: null }],
  "GET /nodes/pve1/qemu/999/config": [500, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist", { data: null }],
  "GET /storage/nfs9": [500, "storage 'nfs9' does not exist", { data: null, message: "storage 'nfs9' does not exist\n" }],
  "PUT /nodes/pve1/lxc/101/config": [500, "detected modified configuration - file changed by other user? Try again.", { data: null }],
  "GET /nodes/pve1/foo": [501, "Method 'GET /nodes/pve1/foo' not implemented", { data: null, message: "Method 'GET /nodes/pve1/foo' not implemented" }],
  "GET /nodes/pve2/status": [595, "No route to host", undefined],
};

describe("errors from PVE responses", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(async (req, res) => {
      const path = req.url.split("?")[0]!.replace("/api2/json", "");
      if (path === "/slow") return; // never answers
      const [status, reason, body] = ROUTES[`${req.method} ${path}`] ?? [200, "OK", { data: null }];
      reply(res, status, body, reason);
    });
  });
  afterAll(() => server.close());
  const fail = async (p: Promise<unknown>): Promise<PveApiError> => {
    const error = await rejection(p);
    expect(error).toBeInstanceOf(PveApiError);
    return error as PveApiError;
  };

  test("400: validation, with per-field errors in the property and the message", async () => {
    const error = await fail(clientFor(server).post("/nodes/pve1/qemu", { vmid: 100, cores: "four", foo: 1 }));
    expect(error).toMatchObject({
      kind: "validation",
      status: 400,
      method: "POST",
      path: "/nodes/pve1/qemu",
      pveMessage: "Parameter verification failed.",
      retryable: false,
    });
    expect(error.errors).toEqual({
      cores: "type check ('integer') failed - got 'four'",
      foo: "property is not defined in schema and the schema does not allow additional properties",
    });
    expect(error.message).toBe(
      "POST /nodes/pve1/qemu: Parameter verification failed.\n  cores: type check ('integer') failed - got 'four'\n  foo: property is not defined in schema and the schema does not allow additional properties",
    );
  });

  test("400 from an older PVE: the message comes from the reason phrase", async () => {
    const error = await fail(clientFor(server).post("/nodes/pve1/qemu/100/monitor", { command: "info" }));
    expect(error).toMatchObject({
      kind: "validation",
      pveMessage: "Parameter verification failed.",
      errors: { command: "type check ('string') failed - got ARRAY" },
    });
  });

  test("401 with an empty body: auth, reason phrase as message", async () => {
    const error = await fail(clientFor(server).get("/cluster/resources"));
    expect(error).toMatchObject({ kind: "auth", status: 401, message: "GET /cluster/resources: No ticket" });
  });

  test("403: permission", async () => {
    const error = await fail(clientFor(server).get("/nodes/pve1/qemu/100/config"));
    expect(error).toMatchObject({ kind: "permission", status: 403, pveMessage: "Permission check failed (/vms/100, VM.Audit)" });
  });

  test("500 'does not exist' is not-found, from the reason phrase (old PVE) or JSON (new PVE)", async () => {
    const old = await fail(clientFor(server).get("/nodes/pve1/qemu/999/config"));
    expect(old).toMatchObject({
      kind: "not-found",
      status: 500,
      message: "GET /nodes/pve1/qemu/999/config: Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist",
    });
    const fresh = await fail(clientFor(server).get("/storage/nfs9"));
    expect(fresh).toMatchObject({ kind: "not-found", pveMessage: "storage 'nfs9' does not exist" });
  });

  test("500 digest mismatch is conflict", async () => {
    const error = await fail(clientFor(server).put("/nodes/pve1/lxc/101/config", { memory: 512, digest: "abc" }));
    expect(error.kind).toBe("conflict");
  });

  test("501 is validation with a message saying PVE lacks the method/path", async () => {
    const error = await fail(clientFor(server).get("/nodes/pve1/foo"));
    expect(error.kind).toBe("validation");
    expect(error.message).toBe(
      "GET /nodes/pve1/foo: the connected Proxmox VE does not implement GET /nodes/pve1/foo (Method 'GET /nodes/pve1/foo' not implemented)",
    );
  });

  test("595 is unreachable", async () => {
    const error = await fail(clientFor(server, { retries: 0 }).get("/nodes/pve2/status"));
    expect(error).toMatchObject({ kind: "unreachable", status: 595, retryable: true, message: "GET /nodes/pve2/status: No route to host" });
  });

  test("client timeout is timeout", async () => {
    const error = await fail(clientFor(server, { timeoutMs: 100, retries: 0 }).get("/slow"));
    expect(error).toMatchObject({ kind: "timeout", method: "GET", path: "/slow" });
  });

  test("connection refused is unreachable", async () => {
    const closed = await startServer(() => undefined);
    const origin = closed.origin;
    await closed.close();
    const error = await fail(clientFor({ ...server, origin }, { retries: 0 }).get("/version"));
    expect(error).toMatchObject({ kind: "unreachable", method: "GET", path: "/version" });
    expect(error.message).toMatch(/^GET \/version: .*ECONNREFUSED/);
    expect(JSON.stringify(error)).not.toContain(API_TOKEN.split("=")[1]);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ProxmoxClient, type PveApiError } from "../../index";
import { API_TOKEN, rejection } from "./helpers";
import { reply, startServer, type TestServer } from "./server";

describe("TLS against a real server with a self-signed certificate", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => reply(res, 200, { data: { version: "9.2.11", release: "9.2", repoid: "0123456789abcdef" } }));
  });
  afterAll(() => server.close());
  const client = (extra: object) => new ProxmoxClient({ endpoint: server.origin, apiToken: API_TOKEN, retries: 0, ...extra });

  test("verified by default: a self-signed certificate is refused as unreachable, before any request is sent", async () => {
    const before = server.requests.length;
    const error = (await rejection(client({}).get("/version"))) as PveApiError;
    expect(error.kind).toBe("unreachable");
    expect(error.message).toMatch(/self[- ]signed/i);
    expect(server.requests.length).toBe(before);
  });

  test("caCert adds a trusted CA", async () => {
    expect(await client({ caCert: server.certPem }).get("/version")).toMatchObject({ version: "9.2.11" });
  });

  test("a matching fingerprint is accepted, in any case and with or without colons", async () => {
    expect(await client({ fingerprint: server.fingerprint }).get("/version")).toMatchObject({ release: "9.2" });
    expect(await client({ fingerprint: server.fingerprint.replace(/:/g, "").toLowerCase() }).get("/version")).toMatchObject({ release: "9.2" });
  });

  test("a fingerprint mismatch is unreachable, names both fingerprints, and sends no request (no credential leaves)", async () => {
    const wrong = "AB:".repeat(31) + "AB";
    const before = server.requests.length;
    const error = (await rejection(client({ fingerprint: wrong }).get("/version"))) as PveApiError;
    expect(error.kind).toBe("unreachable");
    expect(error.message).toContain(`expected ${wrong}`);
    expect(error.message).toContain(server.fingerprint);
    expect(server.requests.length).toBe(before);
  });

  test("insecure skips verification only when set", async () => {
    expect(await client({ insecure: true }).get("/version")).toMatchObject({ version: "9.2.11" });
    expect(await rejection(client({ insecure: false }).get("/version"))).toMatchObject({ kind: "unreachable" });
  });
});

/** Response envelope and headers (Standard.pm, AnyEvent.pm::response). */
import { connect } from "node:tls";
import { describe, expect, it } from "vitest";
import { raw, TEST_TOKEN } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

const sim = useSimulator();
const auth = { token: TEST_TOKEN };

describe("envelope", () => {
  it("wraps success in {data} with PVE's headers and keep-alive", async () => {
    const r = await raw(sim(), "GET", "/version", { auth });
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/json;charset=UTF-8");
    expect(r.headers["server"]).toBe("pve-api-daemon/3.0");
    expect(r.headers["cache-control"]).toBe("max-age=0");
    expect(r.headers["pragma"]).toBe("no-cache");
    expect(r.headers["expires"]).toMatch(/GMT$/);
    expect(r.json?.data).toMatchObject({ version: "9.2.11", release: "9.2" });
    expect((r.json?.data as { repoid: string }).repoid).toMatch(/^[0-9a-f]{16}$/);
  });

  it("sends null data as {data:null}", async () => {
    const r = await raw(sim(), "POST", "/pools", { auth, form: { poolid: "env" } });
    expect(r.text).toBe('{"data":null}');
  });

  it("sends errors as {data:null, message} with the first line as the reason phrase and Connection: close", async () => {
    const r = await raw(sim(), "GET", "/access/roles/Nope", { auth });
    expect([r.status, r.reason]).toEqual([500, "role 'Nope' does not exist"]);
    expect(r.json).toEqual({ data: null, message: "role 'Nope' does not exist\n" });
    expect(r.headers["connection"]).toBe("close");
  });

  it("uses only the first line of a multi-line message as the reason", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "dup@pve" } });
    const r = await raw(sim(), "POST", "/access/users", { auth, form: { userid: "dup@pve" } });
    expect(r.reason).toBe("create user failed: user 'dup@pve' already exists");
    expect(r.json?.message).toBe("create user failed: user 'dup@pve' already exists\n");
  });

  it("returns numbers as strings where PVE does (nextid)", async () => {
    const r = await raw(sim(), "GET", "/cluster/nextid", { auth });
    expect(r.json?.data).toBe("100");
  });

  it("closes idle keep-alive connections after 5 s (Keep-Alive: timeout=5)", async () => {
    const s = sim();
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port: s.port, ca: s.caCert }, () => {
        socket.write(`GET /api2/json/version HTTP/1.1\r\nHost: x\r\nAuthorization: PVEAPIToken=${TEST_TOKEN}\r\n\r\n`);
      });
      let text = "";
      socket.on("data", (c: Buffer) => {
        text += c.toString();
        if (text.includes("\r\n\r\n")) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on("error", reject);
    });
    expect(head).toMatch(/Keep-Alive: timeout=5/i);
  });
});

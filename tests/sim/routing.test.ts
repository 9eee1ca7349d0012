/** Request parsing and routing: PVE's 501s and where a request goes. */
import { describe, expect, it } from "vitest";
import { matchRoute } from "./core/schema";
import { raw, TEST_TOKEN } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

const sim = useSimulator();
const auth = { token: TEST_TOKEN };

describe("routing", () => {
  it("answers an unknown path with 501 Method '...' not implemented", async () => {
    const r = await raw(sim(), "GET", "/nodes/pve1/foo", { auth });
    expect(r.status).toBe(501);
    expect(r.reason).toBe("Method 'GET /nodes/pve1/foo' not implemented");
    expect(r.json).toEqual({ data: null, message: "Method 'GET /nodes/pve1/foo' not implemented" });
  });

  it("answers a schema path no model implements with 501, never a fake 200", async () => {
    const r = await raw(sim(), "GET", "/nodes/pve1/qemu", { auth });
    expect(r.status).toBe(501);
    expect(r.reason).toBe("Method 'GET /nodes/pve1/qemu' not implemented");
  });

  it("answers a known path with the wrong method with 501", async () => {
    const r = await raw(sim(), "DELETE", "/version", { auth });
    expect(r.reason).toBe("Method 'DELETE /version' not implemented");
  });

  it("refuses methods other than GET/POST/PUT/DELETE", async () => {
    const r = await raw(sim(), "PATCH", "/version", { auth });
    expect([r.status, r.reason]).toEqual([501, "method 'PATCH' not available"]);
  });

  it("maps /api2/json and /api2/json/ to the root index", async () => {
    for (const path of ["/api2/json", "/api2/json/"]) {
      const r = await raw(sim(), "GET", path, { auth, absolute: true });
      expect(r.status).toBe(200);
      expect(r.json?.data).toContainEqual({ subdir: "version" });
    }
  });

  it("answers a missing format segment with 501 no such uri", async () => {
    const r = await raw(sim(), "GET", "/api2/", { auth, absolute: true });
    expect([r.status, r.reason]).toEqual([501, "no such uri"]);
  });

  it("refuses a body on GET and DELETE", async () => {
    const r = await raw(sim(), "DELETE", "/access/users/x@pve", { auth, body: "a=1", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect([r.status, r.reason]).toEqual([501, "Unexpected content for method 'DELETE'"]);
    const g = await raw(sim(), "GET", "/version", { auth, body: "a=1" });
    expect(g.reason).toBe("Unexpected content for method 'GET'");
  });

  it("refuses chunked transfer encoding", async () => {
    const r = await raw(sim(), "POST", "/pools", {
      auth,
      body: "poolid=x",
      headers: { "Transfer-Encoding": "chunked", "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect([r.status, r.reason]).toEqual([501, "chunked transfer encoding not supported"]);
  });

  it("refuses bodies over 512 KiB", async () => {
    const r = await raw(sim(), "POST", "/pools", { auth, form: { poolid: "big", comment: "x".repeat(512 * 1024) } });
    expect([r.status, r.reason]).toEqual([501, "for data too large"]);
  });

  it("refuses content types other than form and JSON", async () => {
    const r = await raw(sim(), "POST", "/pools", { auth, body: "<x/>", headers: { "Content-Type": "text/xml" } });
    expect([r.status, r.reason]).toEqual([506, "upload 'Content-Type 'text/xml' not implemented"]);
  });

  it("matches one segment per template parameter, except the storage content volume", () => {
    expect(matchRoute("/access/users/alice@pve/token/t1")).toEqual({
      template: "/access/users/{userid}/token/{tokenid}",
      pathParams: { userid: "alice@pve", tokenid: "t1" },
    });
    expect(matchRoute("/access/users/a/b/c/d")).toBeUndefined();
    expect(matchRoute("/nodes/pve1/storage/local/content/local:iso/x.iso")).toEqual({
      template: "/nodes/{node}/storage/{storage}/content/{volume}",
      pathParams: { node: "pve1", storage: "local", volume: "local:iso/x.iso" },
    });
    // PVE mounts IP sets with `fragmentDelimiter => ''`: the entry's CIDR is the rest of the path.
    expect(matchRoute("/cluster/firewall/ipset/office/10.0.0.0/16")).toEqual({
      template: "/cluster/firewall/ipset/{name}/{cidr}",
      pathParams: { name: "office", cidr: "10.0.0.0/16" },
    });
  });

  it("unescapes the path before routing, so %2F separates segments", async () => {
    const r = await raw(sim(), "GET", "/access%2Fusers", { auth });
    expect(r.status).toBe(200);
  });
});

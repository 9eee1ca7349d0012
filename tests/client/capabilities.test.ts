import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseVersion, PROBE_PARAM } from "../../provider/client/capabilities";
import { clientFor, reply, startServer, type TestServer } from "./server";

describe("parseVersion", () => {
  test.each([
    [{ version: "9.2.11", release: "9.2", repoid: "0123456789abcdef" }, 9, 2],
    [{ version: "7.4-3", release: "7.4", repoid: "9002ab8a" }, 7, 4],
    [(JSON.parse(readFileSync("/work/shared/fixtures/go-proxmox/pve8x/get_version.json", "utf8")) as { data: { version: string } }).data, 8, 4],
  ])("%o → %i.%i", (data, major, minor) => {
    expect(parseVersion(data)).toMatchObject({ major, minor, version: data.version });
  });

  test("garbage is a server error", () => {
    expect(() => parseVersion({ version: "unknown" })).toThrow(/GET \/version/);
    expect(() => parseVersion(null)).toThrow();
  });
});

describe("version() and supports() against a server", () => {
  let server: TestServer;
  // Known: GET /version, POST /cluster/sdn/zones (validation refuses the probe parameter),
  // PUT /nodes/pve1/qemu/100/resize (permission refused). Everything else is 501.
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const key = `${req.method} ${req.url.split("?")[0]!.replace("/api2/json", "")}`;
      if (key === "GET /version") return reply(res, 200, { data: { version: "9.2.11", release: "9.2", repoid: "0123456789abcdef" } });
      if (key === "POST /cluster/sdn/zones") {
        return reply(
          res,
          400,
          {
            data: null,
            errors: {
              [PROBE_PARAM]: "property is not defined in schema and the schema does not allow additional properties",
              zone: "property is missing and it is not optional",
            },
            message: "Parameter verification failed.\n",
          },
          "Parameter verification failed.",
        );
      }
      if (key === "PUT /nodes/pve1/qemu/100/resize") return reply(res, 403, { data: null }, "Permission check failed (/vms/100, VM.Config.Disk)");
      reply(res, 501, { data: null }, `Method '${key}' not implemented`);
    });
  });
  afterAll(() => server.close());

  test("version() is fetched once per client", async () => {
    const client = clientFor(server);
    const [a, b] = await Promise.all([client.version(), client.version()]);
    expect(a).toEqual({ version: "9.2.11", release: "9.2", repoid: "0123456789abcdef", major: 9, minor: 2 });
    expect(await client.version()).toBe(a);
    expect(b).toBe(a);
    expect(server.requests.filter((r) => r.url.endsWith("/version"))).toHaveLength(1);
  });

  test("supports(): 400/403 mean yes, 501 means no; writes carry the probe parameter so nothing runs; results are cached", async () => {
    const client = clientFor(server);
    expect(await client.supports("POST", "/cluster/sdn/zones")).toBe(true);
    expect(await client.supports("PUT", "/nodes/pve1/qemu/100/resize")).toBe(true);
    expect(await client.supports("POST", "/cluster/sdn/fabrics/fabric")).toBe(false);
    expect(await client.supports("GET", "/cluster/bulk-action")).toBe(false);
    expect(await client.supports("GET", "/version")).toBe(true);
    const probes = server.requests.filter((r) => r.method !== "GET");
    expect(probes.map((r) => r.body)).toEqual([`${PROBE_PARAM}=1`, `${PROBE_PARAM}=1`, `${PROBE_PARAM}=1`]);
    const before = server.requests.length;
    expect(await client.supports("POST", "/cluster/sdn/zones")).toBe(true);
    expect(await client.supports("POST", "/cluster/sdn/fabrics/fabric")).toBe(false);
    expect(server.requests.length).toBe(before);
  });
});

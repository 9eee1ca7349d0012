import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { encodeParams, encodePath, formEncode } from "../../provider/client/encode";
import { PveApiError } from "../../index";
import { rejection, UPID } from "./helpers";
import { clientFor, reply, startServer, type TestServer } from "./server";

describe("encodeParams", () => {
  test("booleans become 0/1, lists are comma-joined, null/undefined are dropped", () => {
    expect(encodeParams({ onboot: true, template: false, delete: ["net1", "scsi2"], vmids: [100, 101], a: null, b: undefined, cores: 4, name: "web" })).toEqual(
      [
        ["onboot", "1"],
        ["template", "0"],
        ["delete", "net1,scsi2"],
        ["vmids", "100,101"],
        ["cores", "4"],
        ["name", "web"],
      ],
    );
  });

  test("an empty list is not sent; a non-finite number is a validation error naming the parameter", () => {
    expect(encodeParams({ delete: [] })).toEqual([]);
    expect(() => encodeParams({ memory: Number.NaN })).toThrow(/'memory'/);
    expect(() => encodeParams({ memory: Number.POSITIVE_INFINITY })).toThrow(PveApiError);
  });

  test("form encoding escapes '+' (base64 tickets), spaces, '=' and '&'", () => {
    expect(formEncode({ password: "PVE:root@pam:66F1A2B3::a+b/c=", comment: "a b&c" })).toBe(
      "password=PVE%3Aroot%40pam%3A66F1A2B3%3A%3Aa%2Bb%2Fc%3D&comment=a%20b%26c",
    );
  });
});

describe("encodePath", () => {
  test("encodes each segment: UPID ':' and user id '@'; keeps '/' between segments", () => {
    expect(encodePath(`/nodes/pve1/tasks/${UPID}/status`)).toBe(
      "nodes/pve1/tasks/UPID%3Apve1%3A000A1B2C%3A0153F0E1%3A66F1A2B3%3Aqmstart%3A100%3Aroot%40pam%3A/status",
    );
    expect(encodePath("/access/users/ci@pve/token/deploy")).toBe("access/users/ci%40pve/token/deploy");
  });

  test("a CIDR path parameter keeps its '/': PVE unescapes, then rejoins the rest of an IP set path", () => {
    // `%2F` would arrive as '/' too (pveproxy unescapes before splitting): both spell the same path.
    expect(encodePath("/cluster/firewall/ipset/office/10.0.0.0/16")).toBe("cluster/firewall/ipset/office/10.0.0.0/16");
    expect(encodePath("/cluster/firewall/ipset/office/fd00::/64")).toBe("cluster/firewall/ipset/office/fd00%3A%3A/64");
  });

  test("rejects paths without a leading slash, with a query, or with '..'", () => {
    for (const bad of ["nodes", "/nodes?x=1", "/nodes/../access"]) {
      expect(() => encodePath(bad)).toThrow(PveApiError);
    }
  });
});

describe("on the wire", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => reply(res, 200, { data: req.method === "DELETE" ? UPID : null }));
  });
  afterAll(() => server.close());

  test("GET and DELETE put parameters in the query string and send no body", async () => {
    const client = clientFor(server);
    await client.get("/nodes/pve1/tasks", { errors: true, limit: 5, typefilter: "qmstart", source: undefined });
    expect(await client.delete("/nodes/pve1/qemu/100", { purge: true, "destroy-unreferenced-disks": true })).toBe(UPID);
    const [get, del] = server.requests.slice(-2);
    expect(get).toMatchObject({ method: "GET", url: "/api2/json/nodes/pve1/tasks?errors=1&limit=5&typefilter=qmstart", body: "" });
    expect(del).toMatchObject({ method: "DELETE", url: "/api2/json/nodes/pve1/qemu/100?purge=1&destroy-unreferenced-disks=1", body: "" });
    expect(Number(get?.headers["content-length"] ?? 0)).toBe(0);
    expect(Number(del?.headers["content-length"] ?? 0)).toBe(0);
    client.close();
  });

  test("POST and PUT send a form-urlencoded body and no query; path segments are encoded", async () => {
    const client = clientFor(server);
    await client.post("/access/users/alice@pve/token/ci", { comment: "a+b c", privsep: false });
    await client.put("/nodes/pve1/qemu/100/config", { delete: ["net1", "ide2"], onboot: true });
    const [post, put] = server.requests.slice(-2);
    expect(post).toMatchObject({ method: "POST", url: "/api2/json/access/users/alice%40pve/token/ci", body: "comment=a%2Bb%20c&privsep=0" });
    expect(post?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(put).toMatchObject({ method: "PUT", url: "/api2/json/nodes/pve1/qemu/100/config", body: "delete=net1%2Cide2&onboot=1" });
    client.close();
  });

  test("a body with an empty value goes as JSON: PVE's form decoding would drop it (Perl's split)", async () => {
    const client = clientFor(server);
    await client.put("/access/users/alice@pve", { comment: "", email: "", enable: true });
    const put = server.requests.at(-1);
    expect(put?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(put?.body ?? "")).toEqual({ comment: "", email: "", enable: "1" });
    client.close();
  });

  test("a bad path fails before anything is sent", async () => {
    const before = server.requests.length;
    const error = await rejection(clientFor(server).get("nodes/pve1"));
    expect(error).toMatchObject({ kind: "validation" });
    expect(server.requests.length).toBe(before);
  });
});

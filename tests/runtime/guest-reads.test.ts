/**
 * The guest read functions on the simulator: `cluster.getResources`, `cluster.getNextId`,
 * `vm.getVirtualMachine` and `vm.getVirtualMachines` with the filters the read framework applies
 * to PVE's list (PVE filters `/cluster/resources` by type only), through the Pulumi read path and
 * the Terraform data sources alike.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import * as pve from "../../index";
import { Connection } from "../../provider/terraform/connection";
import { readData } from "../../provider/terraform/data-sources";
import { type DataSourceType, dataSourceTypes } from "../../provider/terraform/schema";
import type { CtyObject } from "../../provider/terraform/cty";
import { type ReadClient, fetchRead } from "../../provider/read-call";
import { type ReadSpec, defineRead, readOf } from "../../schema/reads";
import { ROOT, api, createCt, createVm, data, run, useGuestSimulator } from "../sim/testkit/guests";
import { TEST_TOKEN } from "../sim/testkit/raw";

const sim = useGuestSimulator();
const saved = { ...process.env };
let connection: Connection;

/**
 * The guests every test reads: VMs on two nodes, in pools (one nested), with tags, one template,
 * and a container that matches several VM filters, to prove it is never listed as a VM.
 */
beforeAll(async () => {
  const s = sim();
  process.env["PROXMOX_VE_ENDPOINT"] = s.endpoint;
  process.env["PROXMOX_VE_API_TOKEN"] = TEST_TOKEN;
  process.env["PROXMOX_VE_FINGERPRINT"] = s.fingerprint;
  for (const poolid of ["prod", "team", "team/dev"]) await data(api(s, "POST", "/pools", { poolid }));
  await createVm(s, 100, { name: "web", tags: "prod;web", pool: "prod", scsi0: "local-lvm:1", net0: "virtio,bridge=vmbr0" });
  await createVm(s, 101, { name: "db", tags: "prod;db", pool: "prod" });
  await createVm(s, 102, { name: "web", tags: "dev", pool: "team/dev" }, "pve2");
  await createVm(s, 103, { name: "base", tags: "base", scsi0: "local-lvm:1" });
  const template = await run(s, "POST", "/nodes/pve1/qemu/103/template", {}, ROOT);
  expect(template.status).toBe("OK");
  await createVm(s, 104, { name: "scratch" }, "pve2");
  await createCt(s, 200, { hostname: "web", tags: "prod;web", pool: "prod" });
  connection = new Connection(() => undefined);
  expect(await connection.configure({ endpoint: s.endpoint, api_token: TEST_TOKEN, fingerprint: s.fingerprint })).toBeUndefined();
});
afterAll(() => {
  connection?.close();
  process.env = saved;
});

/** The VMIDs of a list, sorted (PVE sorts guests by VMID as strings). */
function vmids(list: ReadonlyArray<{ readonly vmid?: number }>): number[] {
  return list.map((item) => item.vmid ?? -1).sort((a, b) => a - b);
}

function dataSource(name: string): DataSourceType {
  const ds = dataSourceTypes.get(name);
  if (!ds) throw new Error(`no ${name} data source`);
  return ds;
}

/** The data source's configuration: `given` and null for every other attribute. */
function config(ds: DataSourceType, given: CtyObject): CtyObject {
  return { ...Object.fromEntries(ds.schema.attributes.map((a) => [a.name, null])), ...given };
}

/** The VMIDs the Terraform data source `proxmox_vm_virtual_machines` returns for `given`. */
async function tfVmids(given: CtyObject): Promise<number[]> {
  const ds = dataSource("proxmox_vm_virtual_machines");
  const out = await readData(ds, connection, config(ds, given));
  return vmids(out["result"] as Array<{ vmid: number }>);
}

describe("cluster.getResources", () => {
  it("lists every type of resource, or the type asked for", async () => {
    const all = await pve.cluster.getResources();
    expect(new Set(all.map((r) => r.type))).toEqual(new Set(["pool", "qemu", "lxc", "node", "storage", "network"]));
    const guests = await pve.cluster.getResources({ type: "vm" });
    expect(guests.map((r) => `${r.type}/${r.vmid}`).sort()).toEqual(["lxc/200", "qemu/100", "qemu/101", "qemu/102", "qemu/103", "qemu/104"]);
    // Decoded by the schema: PVE's template 0/1 is a boolean.
    expect(guests.find((r) => r.vmid === 103)?.template).toBe(true);
    expect(guests.find((r) => r.vmid === 100)?.template).toBe(false);
    expect((await pve.cluster.getResources({ type: "node" })).map((r) => r.node)).toEqual(["pve1", "pve2", "pve3"]);
  });

  it("is refused by PVE for a type it does not filter by", async () => {
    await expect(pve.cluster.getResources({ type: "pool" })).rejects.toThrow(/type/);
  });
});

describe("cluster.getNextId", () => {
  it("returns the next free VMID as a number, though PVE sends it as a string", async () => {
    const raw = await data<unknown>(api(sim(), "GET", "/cluster/nextid"));
    expect(raw).toBe("105");
    const next = await pve.cluster.getNextId();
    expect(next).toBe(105);
    expectTypeOf(next).toEqualTypeOf<number>();
    expect(await pve.cluster.getNextId({ vmid: 4242 })).toBe(4242);
  });

  it("fails for a VMID in use", async () => {
    await expect(pve.cluster.getNextId({ vmid: 100 })).rejects.toThrow(/VM 100 already exists/);
  });

  it("is a number in the Terraform data source too", async () => {
    const ds = dataSource("proxmox_cluster_next_id");
    expect(ds.schema.attributes.find((a) => a.name === "result")?.type).toBe("number");
    expect((await readData(ds, connection, config(ds, {})))["result"]).toBe(105);
  });
});

describe("vm.getVirtualMachine", () => {
  it("reads one VM's configuration, typed: numbered device keys, booleans", async () => {
    const web = await pve.vm.getVirtualMachine({ node: "pve1", vmid: 100 });
    expect(web).toMatchObject({ name: "web", tags: "prod;web" });
    expect(web.scsi0).toMatch(/^local-lvm:vm-100-disk-0/);
    expect(web.net0).toMatch(/^virtio=[0-9A-F:]+,bridge=vmbr0$/);
    expect(web.template).toBeUndefined();
    expectTypeOf(web.net0).toEqualTypeOf<string | undefined>();
    expect((await pve.vm.getVirtualMachine({ node: "pve1", vmid: 103 })).template).toBe(true);
  });

  it("fails for a VM that is not on the node", async () => {
    await expect(pve.vm.getVirtualMachine({ node: "pve1", vmid: 102 })).rejects.toThrow(/does not exist/);
  });

  it("gives Terraform the numbered keys as maps by slot number", async () => {
    const ds = dataSource("proxmox_vm_virtual_machine");
    const result = dataSource("proxmox_vm_virtual_machine").type;
    // A VM's `numa` flag keeps its name; its `numa[n]` nodes get `numa_slots`.
    expect(JSON.stringify(result)).toContain('"numa":"bool"');
    expect(JSON.stringify(result)).toContain('"numa_slots":["map","string"]');
    const out = (await readData(ds, connection, config(ds, { node: "pve1", vmid: 100 })))["result"] as Record<string, unknown>;
    expect(out["name"]).toBe("web");
    expect(out["scsi"]).toEqual({ "0": expect.stringMatching(/^local-lvm:vm-100-disk-0/) as unknown });
    expect(Object.keys(out["net"] as object)).toEqual(["0"]);
    expect(out["ide"]).toBeNull();
  });
});

describe("vm.getVirtualMachines", () => {
  it("lists the cluster's VMs and never a container", async () => {
    const all = await pve.vm.getVirtualMachines();
    expect(vmids(all)).toEqual([100, 101, 102, 103, 104]);
    expect(new Set(all.map((vm) => vm.type))).toEqual(new Set(["qemu"]));
  });

  it.each([
    ["node", { node: "pve2" }, [102, 104]],
    ["pool", { pool: "prod" }, [100, 101]],
    ["a nested pool, by its whole id", { pool: "team/dev" }, [102]],
    ["a parent pool, which holds none of its sub-pools' VMs", { pool: "team" }, []],
    ["tag", { tag: "prod" }, [100, 101]],
    ["a tag, as a member of the list, not a part of it", { tag: "pro" }, []],
    ["a tag that is also another VM's name", { tag: "web" }, [100]],
    ["template: true", { template: true }, [103]],
    ["template: false", { template: false }, [100, 101, 102, 104]],
    ["name", { name: "web" }, [100, 102]],
    ["a name no VM has", { name: "nobody" }, []],
    ["several filters at once", { node: "pve1", name: "web" }, [100]],
  ] satisfies Array<[string, pve.vm.GetVirtualMachinesArgs, number[]]>)("filters by %s", async (_, args, expected) => {
    expect(vmids(await pve.vm.getVirtualMachines(args))).toEqual(expected);
  });

  it("sends PVE only type=vm: the filters are applied to its answer", async () => {
    const s = sim();
    const before = s.requests.length;
    await pve.vm.getVirtualMachines({ node: "pve1", tag: "prod", template: false });
    expect(s.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(["GET /cluster/resources"]);
    // What goes to PVE, and what comes back of an answer in PVE's shapes (numbers as strings, no template key).
    const calls: unknown[] = [];
    const answer = [
      { id: "qemu/300", type: "qemu", vmid: "300", node: "pve1", tags: "prod;web", template: 0 },
      { id: "qemu/301", type: "qemu", vmid: 301, node: "pve1", tags: "web,prod" },
      { id: "lxc/302", type: "lxc", vmid: 302, node: "pve1", tags: "prod" },
      { id: "qemu/303", type: "qemu", vmid: 303, node: "pve1", tags: "prod", template: "1" },
    ];
    const client: ReadClient = {
      get<T>(path: string, params?: Record<string, string | number | boolean>): Promise<T> {
        calls.push({ path, params });
        return Promise.resolve(answer as T);
      },
    };
    const kept = await fetchRead(client, "vm.getVirtualMachines", readOf("vm.getVirtualMachines"), { tag: "prod", template: false });
    expect(calls).toEqual([{ path: "/cluster/resources", params: { type: "vm" } }]);
    expect((kept as Array<{ id: string }>).map((item) => item.id)).toEqual(["qemu/300", "qemu/301"]);
  });

  it("types the filters in the SDK and refuses a mistyped one without asking PVE", async () => {
    expectTypeOf<pve.vm.GetVirtualMachinesArgs["template"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<pve.vm.GetVirtualMachinesArgs["tag"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<pve.vm.GetVirtualMachinesArgs["pool"]>().toEqualTypeOf<string | undefined>();
    const s = sim();
    const before = s.requests.length;
    // @ts-expect-error a template filter is a boolean
    await expect(pve.vm.getVirtualMachines({ template: "yes" })).rejects.toThrow("vm.getVirtualMachines: argument 'template' takes a boolean, not \"yes\"");
    // @ts-expect-error a tag is a string
    await expect(pve.vm.getVirtualMachines({ tag: 7 })).rejects.toThrow("argument 'tag' takes a string, not 7");
    expect(s.requests.length).toBe(before);
  });

  it("declares the filters in the Terraform data source, optional and typed, with their docs", () => {
    const attributes = dataSource("proxmox_vm_virtual_machines").schema.attributes;
    const args = attributes.filter((a) => a.name !== "result").map((a) => [a.name, a.type, a.optional, a.required]);
    expect(args).toEqual([
      ["node", "string", true, false],
      ["pool", "string", true, false],
      ["tag", "string", true, false],
      ["template", "bool", true, false],
      ["name", "string", true, false],
    ]);
    expect(attributes.find((a) => a.name === "template")?.description).toMatch(/Only templates/);
  });

  it("filters alike in the Terraform data source, and refuses a mistyped filter there too", async () => {
    expect(await tfVmids({})).toEqual([100, 101, 102, 103, 104]);
    expect(await tfVmids({ template: true })).toEqual([103]);
    expect(await tfVmids({ tag: "prod", node: "pve1" })).toEqual([100, 101]);
    expect(await tfVmids({ pool: "team/dev" })).toEqual([102]);
    expect(await tfVmids({ name: "web", template: false })).toEqual([100, 102]);
    // Terraform checks the configuration against the schema (`bool`) first; our check stands behind it.
    await expect(tfVmids({ template: "yes" })).rejects.toThrow("argument 'template' takes a boolean");
  });
});

describe("result filters in defineRead", () => {
  const base: ReadSpec = { namespace: "vm", name: "getVirtualMachines", description: "A test read.", path: "/cluster/resources", args: [] };

  it("types each filter from its match and the item key it tests", () => {
    const read = defineRead({
      ...base,
      filters: [
        { sdkName: "vmid", field: "vmid", match: "equals", doc: "By id." },
        { sdkName: "shared", field: "shared", match: "flag", doc: "Shared ones." },
        { sdkName: "tag", field: "tags", match: "tag", doc: "By tag." },
      ],
    });
    expect(read.arguments.map((a) => [a.sdkName, a.type, a.optional])).toEqual([
      ["vmid", "number", true],
      ["shared", "boolean", true],
      ["tag", "string", true],
    ]);
  });

  it("refuses a filter on a key the items lack, a match the key cannot take, and a doubled name", () => {
    expect(() => defineRead({ ...base, filters: [{ sdkName: "colour", field: "colour", match: "equals", doc: "No such key." }] })).toThrow(
      /the items of GET \/cluster\/resources have no key 'colour' \(filter 'colour'\)/,
    );
    expect(() => defineRead({ ...base, filters: [{ sdkName: "tpl", field: "template", match: "equals", doc: "Use flag." }] })).toThrow(
      /filter 'tpl' matches 'template' as equals, but that key is of type boolean/,
    );
    expect(() => defineRead({ ...base, filters: [{ sdkName: "tag", field: "vmid", match: "tag", doc: "Not a list." }] })).toThrow(
      /as tag, but that key is of type integer/,
    );
    expect(() =>
      defineRead({
        ...base,
        args: [{ pveName: "type", sdkName: "type", doc: "Type.", optional: true }],
        filters: [{ sdkName: "type", field: "type", match: "equals", doc: "Twice." }],
      }),
    ).toThrow(/two arguments are named 'type'/);
  });

  it("refuses filters on a GET that returns no list, and itemsWhere values the key cannot hold", () => {
    expect(() => defineRead({ ...base, path: "/version", filters: [{ sdkName: "release", field: "release", match: "equals", doc: "R." }] })).toThrow(
      /filters and itemsWhere need a GET that returns a list of objects/,
    );
    expect(() => defineRead({ ...base, itemsWhere: { type: "vm" } })).toThrow(/itemsWhere gives 'type' 'vm', which is none of node, storage/);
    expect(() => defineRead({ ...base, itemsWhere: { colour: "red" } })).toThrow(/have no key 'colour' \(itemsWhere\)/);
    expect(() => defineRead({ ...base, itemsWhere: { vmid: "100" } })).toThrow(/itemsWhere gives 'vmid' a string, but that key is of type integer/);
  });
});

/** Read functions are definitions: checked against the official schema when made, one family per file, all registered. */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { type ReadDefinition, type ReadSpec, defineRead, readOf, reads } from "../../schema/reads";

const READS_DIR = join(__dirname, "..", "..", "schema", "reads");

/** A valid spec to break one rule at a time. */
const base: ReadSpec = {
  namespace: "storage",
  name: "getNodeStorages",
  description: "A test read.",
  path: "/nodes/{node}/storage",
  args: [{ pveName: "node", sdkName: "node", doc: "The node." }],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
}

function isReadDefinition(value: unknown): value is ReadDefinition {
  return typeof value === "object" && value !== null && "qualifiedName" in value && "method" in value && "path" in value;
}

describe("defineRead", () => {
  it("derives the qualified name and the GET method from the schema", () => {
    const read = defineRead(base);
    expect(read.qualifiedName).toBe("storage.getNodeStorages");
    expect(read.method.returns.type).toBe("array");
    expect(defineRead({ ...base, namespace: "" }).qualifiedName).toBe("getNodeStorages");
  });

  it("refuses a GET the schema does not have", () => {
    expect(() => defineRead({ ...base, path: "/nodes/{node}/storages" })).toThrow(
      /read function storage\.getNodeStorages: PVE 9\.2 has no API method GET \/nodes\/\{node\}\/storages/,
    );
  });

  it("refuses a path placeholder that no argument fills, and an optional path argument", () => {
    expect(() => defineRead({ ...base, args: [] })).toThrow(/no argument fills '\{node\}'/);
    expect(() => defineRead({ ...base, args: [{ pveName: "node", sdkName: "node", doc: "The node.", optional: true }] })).toThrow(
      /argument 'node' fills '\{node\}'.*cannot be optional/,
    );
  });

  it("refuses arguments and constants the GET does not take, and doubled names", () => {
    expect(() => defineRead({ ...base, args: [...base.args, { pveName: "colour", sdkName: "colour", doc: "No such thing." }] })).toThrow(
      /has no parameter 'colour' \(argument 'colour'\)/,
    );
    expect(() => defineRead({ ...base, query: { full: 1 } })).toThrow(/has no parameter 'full' \(constant query\)/);
    expect(() => defineRead({ ...base, args: [...base.args, { pveName: "content", sdkName: "node", doc: "Twice." }] })).toThrow(
      /two arguments are named 'node'/,
    );
    expect(() =>
      defineRead({ ...base, args: [...base.args, { pveName: "enabled", sdkName: "enabled", doc: "Only enabled.", optional: true }], query: { enabled: 1 } }),
    ).toThrow(/'enabled' is both an argument and a constant/);
  });

  it("refuses a read that leaves out a parameter PVE requires, or makes it optional", () => {
    const scan = { ...base, path: "/nodes/{node}/scan/nfs" };
    expect(() => defineRead(scan)).toThrow(/GET \/nodes\/\{node\}\/scan\/nfs requires 'server'/);
    expect(() => defineRead({ ...scan, args: [...base.args, { pveName: "server", sdkName: "server", doc: "The NFS server.", optional: true }] })).toThrow(
      /requires 'server'/,
    );
    expect(defineRead({ ...scan, args: [...base.args, { pveName: "server", sdkName: "server", doc: "The NFS server." }] }).path).toBe(scan.path);
    expect(defineRead({ ...scan, query: { server: "10.0.0.5" } }).query).toEqual({ server: "10.0.0.5" });
  });

  it("refuses an unknown kind in objectOf, firstItem on a GET that returns no list, and a name without get", () => {
    expect(() => defineRead({ ...base, objectOf: "storage:Bucket" })).toThrow(/unknown Proxmox resource kind 'storage:Bucket'/);
    expect(() => defineRead({ ...base, path: "/version", args: [], firstItem: true })).toThrow(/firstItem needs a GET that returns a list/);
    expect(() => defineRead({ ...base, name: "nodeStorages" })).toThrow(/starts with 'get'/);
  });
});

describe("the read registry", () => {
  it("holds every read definition of schema/reads, each in the folder of its namespace", async () => {
    const registered = new Set<ReadDefinition>(reads);
    const found: ReadDefinition[] = [];
    for (const file of files(READS_DIR)) {
      const rel = relative(READS_DIR, file);
      if (rel === "index.ts" || rel === "define.ts" || !rel.endsWith(".ts")) continue;
      const exports = (await import(file)) as Record<string, unknown>;
      const defined = Object.values(exports).filter(isReadDefinition);
      expect(defined.length, `${rel} defines no read function`).toBeGreaterThan(0);
      for (const read of defined) {
        expect(registered.has(read), `${read.qualifiedName} (${rel}) is not registered in schema/reads/index.ts`).toBe(true);
        const folder = rel.includes("/") ? rel.slice(0, rel.indexOf("/")) : "";
        expect(read.namespace, `${read.qualifiedName} lives in ${rel}`).toBe(folder);
        found.push(read);
      }
    }
    expect(found.length).toBe(reads.length);
  });

  it("finds a read by its qualified name, and names an unknown one", () => {
    expect(readOf("access.getUser").path).toBe("/access/users/{userid}");
    expect(readOf("getVersion").namespace).toBe("");
    expect(() => readOf("access.getNobody")).toThrow(/unknown read function 'access\.getNobody'/);
    expect(new Set(reads.map((r) => r.qualifiedName)).size).toBe(reads.length);
  });
});

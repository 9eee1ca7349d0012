import { describe, expect, it } from "vitest";
import { VIRTUAL_MACHINE_DOCS, VIRTUAL_MACHINE_SUBKEY_DOCS } from "../../schema/definitions/vm/virtual-machine-docs";
import { NAMED_PROPERTY_FORMATS } from "../../schema/formats";
import { isPropertyString, requireApiMethod, type ApiParam } from "../../schema/pve-schema";

/** Parameters of create/update that steer the call itself and are no input of the kind. */
const CONTROL = new Set(["digest", "delete", "revert", "skiplock"]);

const create = requireApiMethod("POST", "/nodes/{node}/qemu").parameters;
const update = requireApiMethod("PUT", "/nodes/{node}/qemu/{vmid}/config").parameters;

/** The official facts of a parameter, create's first (both describe the same config key). */
function param(name: string): ApiParam | undefined {
  return create[name] ?? update[name];
}

/** The sub-keys of a property string that are keys of their own (aliases only rename another). */
function ownSubKeys(p: ApiParam): string[] | undefined {
  const format = isPropertyString(p) ? p.format : typeof p.format === "string" ? NAMED_PROPERTY_FORMATS[p.format] : undefined;
  return format ? Object.keys(format).filter((key) => format[key]?.alias === undefined) : undefined;
}

/** Families whose docs cover every sub-key of the schema's format, not just the common ones. */
const COMPLETE = ["scsi[n]", "virtio[n]", "sata[n]", "ide[n]", "net[n]", "agent", "efidisk0", "tpmstate0", "usb[n]"];

describe("vm.VirtualMachine docs", () => {
  it("documents exactly the parameters of create and update, without the control parameters", () => {
    const expected = [...new Set([...Object.keys(create), ...Object.keys(update)])].filter((name) => !CONTROL.has(name)).sort();
    expect(Object.keys(VIRTUAL_MACHINE_DOCS).sort()).toEqual(expected);
  });

  it("has no empty or stub doc, and keeps each short", () => {
    for (const [name, doc] of Object.entries(VIRTUAL_MACHINE_DOCS)) {
      expect(doc.trim(), name).not.toBe("");
      expect(doc.startsWith("PVE parameter"), name).toBe(false);
      expect(doc.length, name).toBeLessThanOrEqual(320);
    }
  });

  it("documents sub-keys only of property strings, by their names in the format", () => {
    for (const [name, subKeys] of Object.entries(VIRTUAL_MACHINE_SUBKEY_DOCS)) {
      const p = param(name);
      expect(p, name).toBeDefined();
      for (const [key, doc] of Object.entries(subKeys)) expect(doc.trim(), `${name}.${key}`).not.toBe("");
      // Formats qemu-server registers by name have no sub-keys in the compact schema: checked once the repository knows them.
      const known = p ? ownSubKeys(p) : undefined;
      if (known) expect(known, name).toEqual(expect.arrayContaining(Object.keys(subKeys)));
    }
  });

  it.each(COMPLETE)("covers every sub-key of %s", (name) => {
    const p = param(name);
    const known = p ? ownSubKeys(p) : undefined;
    expect(known, name).toBeDefined();
    expect(Object.keys(VIRTUAL_MACHINE_SUBKEY_DOCS[name] ?? {}).sort()).toEqual([...(known ?? [])].sort());
  });
});

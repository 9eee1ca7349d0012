/**
 * Each codec family is one declaration (`schema/codecs/families.ts`): these tests round-trip a
 * value of every family (SDK value → wire → SDK value, through the engine's codec and through the
 * family's zod codec alike), compare it with the forms PVE reads it back in, and prove that what
 * `check` accepts is what the codec encodes, and that what it refuses is refused with the
 * family's own message.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { check } from "../../provider/engine";
import { type EntryShape, type SdkObject, type SdkValue, entryShape, fieldShape, listCodec } from "../../schema/codecs";
import { type KindDefinition, defineKind } from "../../schema/define";
import { guestSpec } from "../fixtures/guest-spec";
import { definitionOf, definitions } from "../../schema/definitions";
import type { FieldDef } from "../../schema/fields";
import { resolveNamedFormat } from "../../schema/formats";
import { decodeIndexed, encodeIndexed } from "../../schema/indexed";
import { type ApiHttpMethod, type ApiParam, apiMethod, isPropertyString } from "../../schema/pve-schema";
import { type SlotField, decodeSlots, encodeSlots } from "../../schema/slots";

/** An official parameter, with a named property-string format resolved as `defineKind` does. */
function param(method: ApiHttpMethod, path: string, name: string): ApiParam {
  const found = apiMethod(method, path)?.parameters[name];
  if (!found) throw new Error(`the schema lacks ${method} ${path} ${name}`);
  return resolveNamedFormat(found);
}

function fieldOf(def: KindDefinition, pveName: string): FieldDef {
  const found = def.fieldsByPveName.get(pveName);
  if (!found) throw new Error(`${def.key} has no field '${pveName}'`);
  return found;
}

/** The entry shape of a kind's field, from the same facts and override `defineKind` used. */
function entryOf(def: KindDefinition, pveName: string): EntryShape {
  return entryShape(fieldOf(def, pveName).param, def.fields?.[pveName]);
}

/**
 * The zod codec's wire form of a value: it validates the value first, and an object comes out of
 * that validation with its keys in the schema's order, so a property string may list its sub-keys
 * in another order than the engine's codec (PVE does not care: they decode the same).
 */
function zodWire(entry: EntryShape, value: SdkValue): string | number {
  return z.encode(entry.zod, value) as string | number;
}

/**
 * SDK value → encode → decode gives the value back, through the engine's codec and the zod codec
 * alike (which validates both ends); and every form PVE may read the value back in is equal to it.
 */
function roundTrips(entry: EntryShape, value: SdkValue, readBacks: readonly unknown[]): void {
  const wire = entry.codec.encode(value);
  expect(entry.codec.decode(zodWire(entry, value))).toEqual(entry.codec.decode(wire));
  expect(entry.codec.equal(value, zodWire(entry, value) as SdkValue)).toBe(true);
  expect(entry.codec.decode(wire)).toEqual(value);
  expect(z.decode(entry.zod, wire)).toEqual(value);
  for (const back of readBacks) {
    expect(entry.codec.equal(value, back as SdkValue), `${JSON.stringify(value)} vs ${JSON.stringify(back)}`).toBe(true);
    const decoded = entry.codec.decode(back);
    expect(decoded).toBeDefined();
    expect(entry.codec.equal(value, decoded as SdkValue)).toBe(true);
  }
}

/** A guest over qemu-server's API whose `scsi[n]` and `net[n]` are device families. */
const guest = defineKind(guestSpec("RoundTripGuest", { "scsi[n]": { slots: { limit: 31 } }, "net[n]": { slots: { limit: 32 } } }));

describe("one round trip per codec family", () => {
  it('boolean: true/false travel as 1/0 and read back from 1, "1" or true (on/yes once decoded)', () => {
    const entry = entryShape(param("PUT", "/access/users/{userid}", "enable"));
    expect(entry.type).toEqual({ kind: "boolean" });
    roundTrips(entry, true, [1, "1", true]);
    roundTrips(entry, false, [0, "0", false]);
    // A property string's spellings are understood once decoded (the engine compares decoded values).
    for (const word of ["on", "yes", "true"]) expect(z.decode(entry.zod, word)).toBe(true);
    for (const word of ["off", "no", "false"]) expect(z.decode(entry.zod, word)).toBe(false);
    expect(entry.codec.equal(true, "0" as SdkValue)).toBe(false);
  });

  it('number: travels as a number and reads back from "2048" or 2048', () => {
    const entry = entryShape(param("POST", "/nodes/{node}/qemu", "balloon"));
    expect(entry.type).toEqual({ kind: "number" });
    roundTrips(entry, 2048, ["2048", 2048]);
    expect(entry.codec.equal(2048, "2049" as SdkValue)).toBe(false);
  });

  it("string: travels as itself", () => {
    const entry = entryShape(param("POST", "/access/users", "comment"));
    expect(entry.type).toEqual({ kind: "string" });
    roundTrips(entry, "the backup operator", ["the backup operator"]);
    roundTrips(entry, "42", [42]);
  });

  it("list: an array joined with commas that reads back in any order, as a string or an array", () => {
    const entry = entryShape(param("POST", "/access/roles", "privs"));
    expect(entry.type).toEqual({ kind: "list" });
    expect(entry.codec.encode(["a", "b"])).toBe("a,b");
    roundTrips(entry, ["a", "b"], ["b,a", ["b", "a"], "a;b", "b a"]);
    expect(entry.codec.equal(["a", "b"], "a" as SdkValue)).toBe(false);
  });

  it("space-list: an array joined with spaces (a bridge's VLANs), read back split like any list", () => {
    const entry = entryOf(definitionOf("node:NetworkInterface"), "bridge_vids");
    expect(entry.type).toEqual({ kind: "list" });
    expect(entry.codec.encode(["2-10", "20"])).toBe("2-10 20");
    roundTrips(entry, ["2-10", "20"], ["2-10 20", "20,2-10", ["20", "2-10"]]);
  });

  it("single: a -list taken as one value travels as one string and is never split", () => {
    const entry = entryOf(definitionOf("access:Acl"), "roles");
    expect(entry.type).toEqual({ kind: "string" });
    roundTrips(entry, "PVEAuditor", ["PVEAuditor"]);
    expect(entry.codec.decode("a,b")).toBe("a,b");
    expect(entry.schema.safeParse(["PVEAuditor"]).success).toBe(false);
  });

  it("property string: typed sub-keys, with PVE's default key and key aliases read back", () => {
    const entry = entryOf(guest, "net[n]");
    expect(entry.type.kind).toBe("object");
    const nic = { model: "virtio", macaddr: "BC:24:11:00:00:01", bridge: "vmbr0", firewall: true, tag: 10 };
    expect(entry.codec.encode(nic)).toBe("model=virtio,macaddr=BC:24:11:00:00:01,bridge=vmbr0,firewall=1,tag=10");
    roundTrips(entry, nic, [
      "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1,tag=10",
      "bridge=vmbr0,tag=10,firewall=on,virtio=BC:24:11:00:00:01",
      { virtio: "BC:24:11:00:00:01", bridge: "vmbr0", firewall: "1", tag: "10" },
    ]);
    expect(entry.codec.decode("virtio=BC:24:11:00:00:01,bridge=vmbr0")).toEqual({ model: "virtio", macaddr: "BC:24:11:00:00:01", bridge: "vmbr0" });
    // The default key (`model`) may lead without its name.
    expect(entry.codec.decode("e1000,bridge=vmbr1")).toEqual({ model: "e1000", bridge: "vmbr1" });
    expect(entry.codec.equal(nic, "virtio=BC:24:11:00:00:02,bridge=vmbr0,firewall=1,tag=10")).toBe(false);
  });

  it("property string of a named format: kebab-case sub-keys in camelCase", () => {
    const entry = entryOf(definitionOf("cluster:BackupJob"), "prune-backups");
    roundTrips(entry, { keepLast: 3, keepDaily: 7 }, ["keep-daily=7,keep-last=3", { "keep-last": "3", "keep-daily": 7 }]);
  });

  it("pem-certificate-chain: a chain reads back as its leaf", () => {
    const entry = entryOf(definitionOf("node:CustomCertificate"), "certificates");
    const leaf = "-----BEGIN CERTIFICATE-----\nMIIBleaf\n-----END CERTIFICATE-----\n";
    const chain = `${leaf}-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----\n`;
    roundTrips(entry, chain, [chain, leaf, `  ${leaf.replace("\n", "\r\n")}`]);
    expect(entry.codec.equal(chain, "-----BEGIN CERTIFICATE-----\nMIIBother\n-----END CERTIFICATE-----\n")).toBe(false);
  });

  it("base64-key-value: a map sent as base64 of KEY=value lines, read back in any order", () => {
    const entry = entryOf(definitionOf("cluster:AcmePlugin"), "data");
    expect(entry.type).toEqual({ kind: "map" });
    const map = { CF_Token: "abc=def", CF_Account_ID: "42" };
    roundTrips(entry, map, [Buffer.from("CF_Account_ID=42\nCF_Token=abc=def\n").toString("base64"), { CF_Account_ID: "42", CF_Token: "abc=def" }]);
  });

  it("comment-lines: a description reads back with PVE's newline after each line", () => {
    for (const key of ["cluster:Options", "node:Options"]) {
      const entry = entryOf(definitionOf(key), "description");
      expect(entry.type).toEqual({ kind: "string" });
      expect(entry.codec).toBe(fieldOf(definitionOf(key), "description").codec);
      roundTrips(entry, "rack 1", ["rack 1\n", "rack 1  \n\n"]);
      roundTrips(entry, "rack 1\nrow 2", ["rack 1\nrow 2\n"]);
    }
  });

  it("indexed: an array of entries, entry i as <base>i, each in its entry's family", () => {
    const field = fieldOf(definitionOf("node:Options"), "acmedomain[n]");
    expect(field.indexed).toEqual({ base: "acmedomain", limit: 6 });
    const domains: SdkObject[] = [{ domain: "pve.example.com" }, { domain: "pve2.example.com", plugin: "cloudflare", alias: "_acme-challenge.example.org" }];
    expect(field.schema.safeParse(domains).success).toBe(true);
    const wire = encodeIndexed(field, domains);
    expect(wire).toEqual({ acmedomain0: "domain=pve.example.com", acmedomain1: "domain=pve2.example.com,plugin=cloudflare,alias=_acme-challenge.example.org" });
    expect(decodeIndexed(field, wire)).toEqual(domains);
    // PVE reads the default key back without its name.
    expect(
      decodeIndexed(field, { acmedomain1: "pve2.example.com,alias=_acme-challenge.example.org,plugin=cloudflare", acmedomain0: "pve.example.com" }),
    ).toEqual(domains);
  });

  it("device family: a map of entries by slot, slot n as <base>n, read back from PVE's key aliases", () => {
    const net = fieldOf(guest, "net[n]") as FieldDef & { readonly slots: SlotField };
    const nics: Record<string, SdkObject> = {
      "0": { model: "virtio", macaddr: "BC:24:11:00:00:01", bridge: "vmbr0" },
      "3": { model: "e1000", bridge: "vmbr1" },
    };
    expect(net.schema.safeParse(nics).success).toBe(true);
    const wire = encodeSlots(net, nics);
    expect(wire).toEqual({ net0: "model=virtio,macaddr=BC:24:11:00:00:01,bridge=vmbr0", net3: "model=e1000,bridge=vmbr1" });
    expect(decodeSlots(net, wire)).toEqual(nics);
    expect(
      decodeSlots(net, { net0: "virtio=BC:24:11:00:00:01,bridge=vmbr0", net3: "e1000,bridge=vmbr1", net5: "rtl8139,bridge=vmbr2" }, new Set(["0", "3"])),
    ).toEqual(nics);
  });
});

/** Candidate SDK values of a type: the schema keeps those it accepts and refuses the others. */
function candidates(type: FieldDef["type"]): SdkValue[] {
  switch (type.kind) {
    case "boolean":
      return [true, false, 1, "yes"];
    case "number":
      return [0, 1, 3, 8, 64, 2048, -1, 1.5, 1e12, "2048"];
    case "string":
      return [...(type.enum ?? []), "local", "abc", "vmbr0", "example.com", "daily", "1", "", "x".repeat(5000), "https://u:p@h/", 7, ["abc"]];
    case "list": {
      if (type.items) {
        const items = candidates(type.items);
        // Typed items: one, two, none, an item of another type, a joined string, a bare item.
        return [items.slice(0, 1), items.slice(0, 2), [], ["a"], "a,b", ...items.slice(0, 1)] as SdkValue[];
      }
      return [["a", "b"], ["vmbr0"], [], [""], "a,b", [1 as unknown as string]];
    }
    case "map":
      return [{ A: "1", B_C: "two" }, {}, { "A B": "1" }, { A: "two\nlines" }, ["x"]];
    case "object": {
      const keys = Object.entries(type.keys);
      const first = (sub: FieldDef["type"]): SdkValue => candidates(sub)[0] ?? "";
      const required = Object.fromEntries(keys.filter(([, key]) => !key.optional).map(([name, key]) => [name, first(key.type)]));
      const full = Object.fromEntries(keys.map(([name, key]) => [name, first(key.type)]));
      return [required, full, { ...required, bogus: "x" }, {}, "a=b"];
    }
  }
}

/** Every field of every registered kind and of the guest fixture, with its kind. */
const everyField: Array<[KindDefinition, FieldDef]> = [...definitions, guest].flatMap((def) =>
  def.fieldList.map((field): [KindDefinition, FieldDef] => [def, field]),
);

/** The field's value holding one entry (its array or slot map when indexed or a device family), and the issue path of that entry. */
function holding(field: FieldDef, entry: SdkValue): { value: unknown; at: PropertyKey[] } {
  if (field.slots) return { value: { "0": entry }, at: ["0"] };
  if (field.indexed) return { value: [entry], at: [0] };
  return { value: entry, at: [] };
}

describe("validation and codec come from one declaration", () => {
  it("gives defineKind the family's type and codec behaviour for every field", () => {
    for (const [def, field] of everyField) {
      const entry = entryOf(def, field.pveName);
      expect(entry.type, `${def.key}.${field.pveName}`).toEqual(field.type);
      for (const wire of ["1", 1, "a,b", "virtio=BC:24:11:00:00:01,bridge=vmbr0", ""]) {
        expect(entry.codec.decode(wire)).toEqual(field.codec.decode(wire));
      }
    }
  });

  it("encodes every value the field's schema accepts, and refuses the others with the same messages", () => {
    let accepted = 0;
    let refused = 0;
    for (const [def, field] of everyField) {
      const entry = entryOf(def, field.pveName);
      const where = `${def.key}.${field.pveName}`;
      for (const value of candidates(field.type)) {
        const { value: whole, at } = holding(field, value);
        const parsed = field.schema.safeParse(whole);
        const passwordInUrl = JSON.stringify(value).includes("u:p@");
        if (parsed.success) {
          accepted++;
          // A value `check` lets through always has a wire form, and the engine's is the zod codec's.
          expect(() => zodWire(entry, value), `${where} ${JSON.stringify(value)}`).not.toThrow();
          expect(field.codec.decode(zodWire(entry, value))).toEqual(field.codec.decode(field.codec.encode(value)));
          const back = field.codec.decode(field.codec.encode(value));
          // An empty map or object travels as "", which PVE reads back as no value.
          if (back === undefined) expect(value, where).toEqual({});
          else expect(field.codec.equal(value, back), `${where} ${JSON.stringify(value)}`).toBe(true);
        } else if (!passwordInUrl) {
          refused++;
          const encoded = z.safeEncode(entry.zod, value);
          expect(encoded.success, `${where} ${JSON.stringify(value)}`).toBe(false);
          // The same issues (zod also reports a length check on a value of the wrong type when it
          // validates, not when it encodes: those come on top of the type's own issue).
          const ours = (encoded.error?.issues ?? []).map((issue) => ({ path: [...at, ...issue.path], message: issue.message }));
          const theirs = parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
          expect(ours.length, where).toBeGreaterThan(0);
          expect(theirs[0], where).toEqual(ours[0]);
          expect(theirs, where).toEqual(expect.arrayContaining(ours));
        }
      }
    }
    // The candidates reach most fields both ways.
    expect(accepted).toBeGreaterThan(everyField.length);
    expect(refused).toBeGreaterThan(everyField.length);
  });

  it("wraps an entry's own schema: a secret field's is the family's, unwrapped", () => {
    const entry = entryOf(definitionOf("access:User"), "password");
    expect(fieldShape(entry, { secret: true }).schema).toBe(entry.schema);
    expect(fieldShape(entry, { secret: true }).codec).toBe(entry.codec);
    expect(entry.zod.out).toBe(entry.schema);
  });

  it("reads back through the zod codec what PVE answers, refusing what the SDK value may not be", () => {
    const entry = entryShape(param("POST", "/nodes/{node}/qemu", "balloon"));
    expect(z.decode(entry.zod, "2048")).toBe(2048);
    expect(z.safeDecode(entry.zod, "-1").success).toBe(false);
    expect(entry.codec.decode("-1")).toBe(-1);
  });
});

describe("check keeps each family's messages", () => {
  const reasons = (kind: string, inputs: Record<string, unknown>, property: string): string[] =>
    check(definitionOf(kind), inputs)
      .failures.filter((failure) => failure.property === property || failure.property.startsWith(`${property}.`))
      .map((failure) => failure.reason);

  it("refuses a URL password in a field that is no secret, and takes it in a secret one", () => {
    expect(reasons("access:User", { userId: "a@pve", comment: "see https://u:p@host/" }, "comment")).toEqual([
      "holds a password in a URL (`user:password@`), which would be stored in plain text: this field is not a secret; give the credentials where the kind takes them as one",
    ]);
    expect(reasons("cluster:Options", { httpProxy: "http://u:p@proxy:3128" }, "httpProxy")).toEqual([]);
  });

  it("says why a base64-key-value map is refused", () => {
    expect(reasons("cluster:AcmePlugin", { id: "p", type: "dns", api: "cf", data: { "CF Token": "x" } }, "data")).toEqual([
      "a key must be a word without '=' or white space",
    ]);
    expect(reasons("cluster:AcmePlugin", { id: "p", type: "dns", api: "cf", data: { CF_Token: "a\nb" } }, "data")).toEqual(["a value must be one line"]);
  });

  it("says how many entries an indexed field takes", () => {
    const domains = Array.from({ length: 7 }, (_, i) => ({ domain: `d${i}.example.com` }));
    expect(reasons("node:Options", { node: "pve1", acmeDomains: domains }, "acmeDomains")).toEqual(["PVE allows at most 6 entries (acmedomain0..acmedomain5)"]);
  });

  it("says which pattern or named format a string misses", () => {
    const zone = fieldOf(definitionOf("sdn:Zone"), "zone");
    expect(reasons("sdn:Zone", { zone: "1bad", type: "simple" }, "zone")).toEqual([`must match the pattern ${zone.param.pattern}`]);
    expect(reasons("cluster:BackupJob", { jobId: "j", schedule: "every night", all: true }, "schedule")).toEqual([
      "must be a PVE calendar event, e.g. `daily`, `*/15`, `mon..fri 02:30` or `sat 12:00` (see `man 7 systemd.time`)",
    ]);
  });

  it("says which slot a device family lacks", () => {
    const failures = check(guest, { node: "pve1", vmid: 700, scsi: { "31": { file: "local-lvm:1" }, x: { file: "local-lvm:1" } } }).failures;
    expect(failures.find((f) => f.property === "scsi.31")?.reason).toBe("PVE has 31 scsi slots: scsi0..scsi30");
    expect(failures.find((f) => f.property === "scsi.x")?.reason).toBe("a slot is a number, 0 to 30");
  });
});

describe("an override that contradicts the facts", () => {
  const comment = param("POST", "/access/users", "comment");
  const privs = param("POST", "/access/roles", "privs");
  it("is refused instead of mixing two families", () => {
    expect(() => entryShape(comment, { single: true }, "x.Y: 'comment'")).toThrow(
      "x.Y: 'comment': `single` takes a `-list` parameter as one value, and this parameter is no list",
    );
    expect(() => entryShape(privs, { single: true, encoding: "space-list" }, "x.Y: 'privs'")).toThrow(
      "x.Y: 'privs': `single` and `encoding` exclude each other",
    );
    expect(() => entryShape(comment, { encoding: "space-list" }, "x.Y: 'comment'")).toThrow(
      "x.Y: 'comment': `space-list` is the encoding of a `-list` parameter",
    );
    expect(() => entryShape(privs, { encoding: "comment-lines" }, "x.Y: 'privs'")).toThrow(
      "x.Y: 'privs': `comment-lines` is the encoding of a plain string parameter",
    );
  });
  it("is not needed for a list taken as a list", () => {
    expect(entryShape(privs).codec).toBe(listCodec);
    expect(isPropertyString(privs)).toBe(false);
  });
});

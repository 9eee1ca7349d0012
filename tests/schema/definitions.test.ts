import { describe, expect, it } from "vitest";
import { chosenCall } from "../../schema/define";
import { definitions } from "../../schema/definitions";
import { describeParam } from "../../schema/fields";
import { NAMED_PROPERTY_FORMATS } from "../../schema/formats";
import { apiMethod, type ApiParam } from "../../schema/pve-schema";
import * as sdk from "../../sdk";

/** The SDK types a PVE type may take. */
function compatible(param: ApiParam, kind: string): boolean {
  switch (kind) {
    case "boolean":
      // Or an integer PVE uses as a flag (a firewall rule's `enable`).
      return param.type === "boolean" || param.type === "integer";
    case "number":
      return param.type === "integer" || param.type === "number";
    case "list":
      return param.type === "array" || (param.type === "string" && typeof param.format === "string" && param.format.endsWith("-list"));
    case "object":
      // Inline property strings, or one PVE registers by name (`prune-backups`, ...).
      return param.type === "string" && (typeof param.format === "object" || (typeof param.format === "string" && param.format in NAMED_PROPERTY_FORMATS));
    default:
      return param.type === "string";
  }
}

describe.each(definitions.map((d) => [d.key, d] as const))("definition %s", (_key, def) => {
  // A create path with a chosen segment stands for one schema method per choice.
  const choice = def.lifecycle === "action" ? def.pathChoice : undefined;
  const readCall = def.lifecycle === "action" ? undefined : def.read;
  const updateCall = def.lifecycle === "action" ? undefined : def.update;
  const removeCall = def.lifecycle === "collection" ? def.remove : undefined;
  const creates = choice ? choice.values.map((value) => chosenCall(def.create, choice, value)) : [def.create];
  const create = creates[0] ?? def.create;
  const calls = [...creates, updateCall, removeCall].filter((c) => c !== undefined);

  it("uses only API methods that PVE 9.2 has", () => {
    if (readCall) expect(apiMethod("GET", readCall.path), `GET ${readCall.path}`).toBeDefined();
    else expect(def.lifecycle).toBe("action");
    for (const call of calls) expect(apiMethod(call.method, call.path), `${call.method} ${call.path}`).toBeDefined();
  });

  it("maps every input to a real parameter of its create or update method, with a compatible type", () => {
    for (const field of def.fieldList) {
      // The chosen segment is an input of its own: an enum of the choices, never a parameter.
      if (field.pveName === choice?.param) {
        expect(field.param.enum).toEqual(choice.values);
        continue;
      }
      // An input of ours (a guest's `started`) is declared as one, and is in no call.
      if (field.own) {
        expect(def.ownInputs?.[field.sdkName], field.sdkName).toBeDefined();
        expect(field.inCreate || field.inUpdate, field.sdkName).toBe(false);
        continue;
      }
      const inCreate = apiMethod(create.method, create.path)?.parameters[field.pveName];
      const inUpdate = updateCall ? apiMethod(updateCall.method, updateCall.path)?.parameters[field.pveName] : undefined;
      const param = inCreate ?? inUpdate;
      expect(param, `${field.sdkName} → ${field.pveName}`).toBeDefined();
      expect(compatible(param as ApiParam, field.type.kind), `${field.sdkName}: ${field.type.kind} vs ${param?.type}`).toBe(true);
    }
  });

  it("covers every required parameter of its create method", () => {
    const method = apiMethod(create.method, create.path);
    const required = Object.entries(method?.parameters ?? {})
      .filter(([, p]) => p.optional !== true)
      .map(([name]) => name);
    for (const name of required) {
      // A constant the kind always sends (a subnet's `type=subnet`) covers it too.
      // So does a value the provider assigns when the program leaves it out (a VMID).
      const field = def.fieldsByPveName.get(name);
      const covered = field?.required === true || field?.computed === true || def.create.extra?.[name] !== undefined;
      expect(covered, `required PVE parameter '${name}'`).toBe(true);
    }
  });

  it("forces replacement for every parameter PVE cannot change after creation", () => {
    const update = updateCall ? apiMethod(updateCall.method, updateCall.path) : undefined;
    for (const field of def.fieldList) {
      const updatable = update?.parameters[field.pveName] !== undefined && update.parameters[field.pveName]?.pathParam !== true;
      // A guest's lifecycle acts on its own inputs and migrates it to a new node.
      const handled = field.own || (def.lifecycle === "collection" && def.guest !== undefined && field.pveName === "node");
      if (!updatable && !field.writeOnly && !handled) expect(field.replaceOnChange, field.sdkName).toBe(true);
    }
  });

  it("documents every field in words of its own, not only the schema's facts (the SDK's doc comments are the users' docs)", () => {
    const undocumented = def.fieldList.filter((f) => f.doc === describeParam(f.pveName, f.param)).map((f) => f.pveName);
    expect(undocumented).toEqual([]);
  });

  it("has a generated SDK class with its own type token", () => {
    const namespace = (sdk as unknown as Record<string, Record<string, unknown>>)[def.namespace];
    const cls = namespace?.[def.name] as { __pveKind?: string } | undefined;
    expect(cls?.__pveKind).toBe(def.key);
  });
});

describe("definitions", () => {
  it("have unique keys and SDK names", () => {
    const keys = definitions.map((d) => d.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const def of definitions) {
      const names = def.fieldList.map((f) => f.sdkName);
      expect(new Set(names).size, def.key).toBe(names.length);
    }
  });

  it("mark secrets: the user password is a secret that PVE never returns", () => {
    const user = definitions.find((d) => d.key === "access:User");
    const password = user?.fieldsBySdkName.get("password");
    expect(password?.secret).toBe(true);
    expect(password?.writeOnly).toBe(true);
    expect(password?.replaceOnChange).toBe(false);
  });
});

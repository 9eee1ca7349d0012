/**
 * The shape of the generated classes: `isInstance` tells every kind apart by its type token, and
 * `get` reads by id, starting from the typed state it is given. The resources are constructed
 * against Pulumi's mock monitor, which records what each create and read is asked.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { emitKind } from "../../schema/codegen/emit";
import { definitions } from "../../schema/definitions";
import * as sdk from "../../sdk";

/** What every generated class offers, as this test uses it. */
interface KindClass {
  readonly __pulumiType: string;
  isInstance(obj: unknown): boolean;
  get(name: string, id: pulumi.Input<pulumi.ID>): pulumi.CustomResource;
}

const classes = definitions.map((def) => {
  const namespace = (sdk as unknown as Record<string, Record<string, KindClass>>)[def.namespace];
  const cls = namespace?.[def.name];
  if (!cls) throw new Error(`no SDK class for ${def.key}`);
  return [def.key, cls] as const;
});

/** What the mock monitor was asked, by resource name. */
const registered = new Map<string, pulumi.runtime.MockResourceArgs>();

beforeAll(async () => {
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      registered.set(args.name, args);
      // A create is asked with an empty id (no import id).
      return { id: args.id || `${args.name}-id`, state: args.inputs };
    },
    call: () => ({}),
  });
});

/** Waits for the mock monitor to have answered for `resource`, and gives its id. */
function settled(resource: pulumi.CustomResource): Promise<string> {
  return new Promise((resolve) => resource.id.apply(resolve));
}

/** An intersection as one object type: expectTypeOf compares object types by their members. */
type Merged<T> = { [K in keyof T]: T[K] };

/** Some other kind of custom resource than this package's. */
class Thing extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Thing", name, {});
  }
}

/** A value as the monitor receives a secret. */
function secret(value: unknown): Record<string, unknown> {
  return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value };
}

describe("isInstance", () => {
  // `get` constructs every kind without knowing its required inputs.
  const instances = classes.map(([key, cls]) => [key, cls.get(`${key}-read`, "some-id")] as const);

  it("gives every kind its own type token, the one Pulumi records on its instances", () => {
    const tokens = classes.map(([, cls]) => cls.__pulumiType);
    expect(new Set(tokens).size).toBe(classes.length);
    for (const [index, [, instance]] of instances.entries()) expect(pulumi.resourceType(instance)).toBe(tokens[index]);
  });

  it("is true for an instance of its own kind and false for every other kind's", () => {
    for (const [key, cls] of classes) {
      const accepted = instances.filter(([, instance]) => cls.isInstance(instance)).map(([other]) => other);
      expect(accepted, key).toEqual([key]);
    }
  });

  it("holds for a created instance as for a read one", () => {
    const group = new sdk.access.Group("ops-group", { groupId: "ops" });
    expect(sdk.access.Group.isInstance(group)).toBe(true);
    expect(sdk.access.Role.isInstance(group)).toBe(false);
    expect(sdk.access.User.isInstance(group)).toBe(false);
  });

  it("is false for what is no resource of the kind: nothing, plain objects carrying its token, other resources", () => {
    const token = sdk.access.Group.__pulumiType;
    const other = new Thing("thing");
    for (const value of [undefined, null, {}, token, { __pulumiType: token }, { __pulumiType: token, __pulumiCustomResource: false }, other]) {
      expect(sdk.access.Group.isInstance(value), JSON.stringify(value) ?? String(value)).toBe(false);
    }
  });

  it("narrows its argument to the class", () => {
    expectTypeOf(sdk.access.Group.isInstance).parameter(0).toEqualTypeOf<unknown>();
    expectTypeOf(sdk.access.Group.isInstance).guards.toEqualTypeOf<sdk.access.Group>();
  });
});

describe("get", () => {
  it("reads the object by its id; without a state, the read is given no field", async () => {
    const group = sdk.access.Group.get("group-by-id", "ops");
    expect(await settled(group)).toBe("ops");
    const read = registered.get("group-by-id");
    expect(read?.id).toBe("ops");
    expect(Object.keys(read?.inputs ?? {})).toEqual(["__provider"]);
  });

  it("starts the read from the given state, its inputs and outputs, secrets as secrets", async () => {
    const token = sdk.access.ApiToken.get("token-by-id", "ci@pve!deploy", { comment: "CI", fullTokenId: "ci@pve!deploy", value: "s3cret" });
    const user = sdk.access.User.get("user-by-id", "ci@pve", { password: "hunter2" });
    await Promise.all([settled(token), settled(user)]);
    expect(registered.get("token-by-id")).toMatchObject({
      id: "ci@pve!deploy",
      inputs: { comment: "CI", fullTokenId: "ci@pve!deploy", value: secret("s3cret") },
    });
    expect(registered.get("user-by-id")).toMatchObject({ id: "ci@pve", inputs: { password: secret("hunter2") } });
  });

  it("is the only way outputs reach Pulumi: a create leaves them to the provider", async () => {
    const args = { userId: "ci@pve", tokenId: "deploy", value: "not an input" };
    expect(await settled(new sdk.access.ApiToken("token-created", args))).toBe("token-created-id");
    expect(registered.get("token-created")?.inputs).toEqual({ __provider: expect.any(String), tokenId: "deploy", userId: "ci@pve" });
  });

  it("takes the generated State interface: every input and output, all optional", () => {
    expectTypeOf(sdk.access.ApiToken.get).parameter(2).toEqualTypeOf<sdk.access.ApiTokenState | undefined>();
    expectTypeOf(sdk.access.ApiToken.get).returns.toEqualTypeOf<sdk.access.ApiToken>();
    expectTypeOf<sdk.access.ApiTokenState>().toEqualTypeOf<
      Merged<Partial<sdk.access.ApiTokenArgs> & { readonly fullTokenId?: pulumi.Input<string>; readonly value?: pulumi.Input<string> }>
    >();
    expectTypeOf(sdk.cluster.Options.get).parameter(2).toEqualTypeOf<sdk.cluster.OptionsState | undefined>();
    expectTypeOf<sdk.cluster.OptionsState>().toEqualTypeOf<Partial<sdk.cluster.OptionsArgs>>();
  });
});

describe("the generator", () => {
  it("refuses a property string whose interface would merge into the class's State", () => {
    const def = definitions.find((d) => d.fieldList.some((f) => f.type.kind === "object"));
    const field = def?.fieldList.find((f) => f.type.kind === "object");
    if (!def || !field) throw new Error("no kind with a property string");
    expect(() => emitKind({ ...def, fieldList: [{ ...field, pveName: "state" }] })).toThrow(
      `${def.key}: the interface of property string 'state' would be named ${def.name}State`,
    );
  });
});

// The program process: runs a Pulumi program with the PROGRAM's own @pulumi/pulumi under a mock
// monitor whose RegisterResource/ReadResource are answered by the engine (parent process) with the
// real provider results. A separate process, like Pulumi's language host: every run gets fresh
// module state, and the program's crashes and unhandled rejections stay out of the engine.
import type * as Mocks from "@pulumi/pulumi/runtime/mocks";
import type * as Settings from "@pulumi/pulumi/runtime/settings";
import type * as StackMod from "@pulumi/pulumi/runtime/stack";
import type * as ResourcePb from "@pulumi/pulumi/proto/resource_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import { createRequire } from "node:module";
import path from "node:path";
import type { EngineReply, RunnerMessage, RunnerParams } from "./protocol";
import type { PropertyMap } from "./values";

type Callback<T> = (err: Error | null, res?: T) => void;

const params = JSON.parse(process.argv[2] ?? "{}") as RunnerParams;
const programRequire = createRequire(path.join(params.dir, "package.json"));
const mocks = programRequire("@pulumi/pulumi/runtime/mocks") as typeof Mocks;
const settings = programRequire("@pulumi/pulumi/runtime/settings") as typeof Settings;
// Internal APIs (absent from the .d.ts): the runtime store and the wait for outstanding RPCs.
const stateMod = programRequire("@pulumi/pulumi/runtime/state") as {
  getStore(): { supportsSecrets: boolean; supportsResourceReferences: boolean; supportsOutputValues: boolean };
};
const settingsInternal = settings as unknown as { waitForRPCs(): Promise<void> };
const stackMod = programRequire("@pulumi/pulumi/runtime/stack") as typeof StackMod;
const resourcePb = programRequire("@pulumi/pulumi/proto/resource_pb") as typeof ResourcePb;
const pulumiDir = path.dirname(programRequire.resolve("@pulumi/pulumi/package.json"));
const structPb = createRequire(path.join(pulumiDir, "package.json"))("google-protobuf/google/protobuf/struct_pb") as typeof StructPb;

const errors: string[] = [];
const pending = new Map<number, (reply: EngineReply) => void>();
let seq = 0;

function send(msg: RunnerMessage): void {
  process.send?.(msg);
}

function ask(msg: RunnerMessage & { seq: number }): Promise<EngineReply> {
  return new Promise((resolve) => {
    pending.set(msg.seq, resolve);
    send(msg);
  });
}

process.on("message", (m: EngineReply) => {
  const resolve = pending.get(m.seq);
  pending.delete(m.seq);
  resolve?.(m);
});

function toStruct(m: PropertyMap): StructPb.Struct {
  return structPb.Struct.fromJavaScript(m as Record<string, StructPb.JavaScriptValue>);
}

class EngineMonitor extends mocks.MockMonitor {
  override async registerResource(req: ResourcePb.RegisterResourceRequest, callback: Callback<ResourcePb.RegisterResourceResponse>): Promise<void> {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
      propertyDependencies[key] = deps.getUrnsList();
    });
    const reply = await ask({
      kind: "register",
      seq: ++seq,
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parent: req.getParent() || undefined,
      inputs: (req.getObject()?.toJavaScript() ?? {}) as PropertyMap,
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      importId: req.getImportid() || undefined,
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      ignoreChanges: req.getIgnorechangesList(),
      deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
      protect: req.hasProtect() ? req.getProtect() : undefined,
      retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : undefined,
      replaceOnChanges: req.getReplaceonchangesList(),
    });
    if (reply.error !== undefined) return callback(new Error(reply.error));
    const res = new resourcePb.RegisterResourceResponse();
    res.setUrn(reply.urn ?? "");
    res.setId(reply.id ?? "");
    res.setObject(toStruct(reply.outputs ?? {}));
    callback(null, res);
  }

  override async readResource(req: ResourcePb.ReadResourceRequest, callback: Callback<ResourcePb.ReadResourceResponse>): Promise<void> {
    const reply = await ask({
      kind: "read",
      seq: ++seq,
      type: req.getType(),
      name: req.getName(),
      id: req.getId(),
      parent: req.getParent() || undefined,
      inputs: (req.getProperties()?.toJavaScript() ?? {}) as PropertyMap,
      dependencies: req.getDependenciesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    });
    if (reply.error !== undefined) return callback(new Error(reply.error));
    const res = new resourcePb.ReadResourceResponse();
    res.setUrn(reply.urn ?? "");
    res.setProperties(toStruct(reply.outputs ?? {}));
    callback(null, res);
  }

  override registerResourceOutputs(req: ResourcePb.RegisterResourceOutputsRequest, callback: Callback<object>): void {
    send({ kind: "outputs", urn: req.getUrn(), outputs: (req.getOutputs()?.toJavaScript() ?? {}) as PropertyMap });
    callback(null, {});
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

async function main(): Promise<void> {
  // A failed RegisterResource surfaces as an unhandled rejection in the program.
  process.on("unhandledRejection", (e) => errors.push(describe(e)));
  process.on("uncaughtException", (e) => errors.push(describe(e)));
  const noInvokes: Mocks.Mocks = {
    newResource: () => {
      throw new Error("unreachable: the engine answers registrations");
    },
    call: (args) => {
      throw new Error(`invoke ${args.token} is not supported by the local engine`);
    },
  };
  settings.setMockOptions(new EngineMonitor(noInvokes), params.project, params.stack, params.dryRun);
  // As setMocks does: secrets and resource references on, output values off.
  const store = stateMod.getStore();
  store.supportsSecrets = true;
  store.supportsResourceReferences = true;
  store.supportsOutputValues = false;
  try {
    await stackMod.runInPulumiStack(async () => {
      const exported: unknown = programRequire(params.main);
      // Like the language host: a program exporting a function is called; its result awaited.
      return exported instanceof Function ? await (exported as () => unknown)() : await exported;
    });
  } catch (e) {
    errors.push(describe(e));
  }
  await settingsInternal.waitForRPCs();
  send({ kind: "done", errors });
  process.disconnect?.();
}

void main();

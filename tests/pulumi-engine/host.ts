// The real @pulumi/pulumi dynamic-provider host (cmd/dynamic-provider), started and spoken to over
// gRPC the way the Go engine does (pkg/resource/plugin/provider_plugin.go): one process per engine
// run, legacy Configure with the whole stack config, secrets stripped before every call (the
// host replies acceptSecrets=false) and re-annotated on the way back.
import type * as GrpcJs from "@grpc/grpc-js";
import type * as ProvGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProvPb from "@pulumi/pulumi/proto/provider_pb";
import type * as PlugPb from "@pulumi/pulumi/proto/plugin_pb";
import type * as StatusPb from "@pulumi/pulumi/proto/status_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import path from "node:path";
import type { DiffResult, PropertyDiffKind } from "./diff";
import type { ProgramInfo } from "./project";
import { annotateSecrets, stripMap } from "./secrets";
import { makeSecret, type PropertyMap } from "./values";

export interface ConfigValue {
  value: string;
  secret: boolean;
}

export interface HostOptions {
  program: ProgramInfo;
  stack: string;
  dryRun: boolean;
  env: Record<string, string | undefined>;
  /** Stack config keyed by full key ("proxmox:endpoint"). */
  config: Record<string, ConfigValue>;
  onLine: (stream: "stdout" | "stderr", line: string) => void;
}

export interface ResourceRef {
  urn: string;
  name: string;
  type: string;
}

/** What Diff and Update are told about a change: old outputs, new inputs, old inputs. */
export interface Change {
  id: string;
  olds: PropertyMap;
  news: PropertyMap;
  oldInputs: PropertyMap;
  ignoreChanges: string[];
}

interface Addressable {
  setUrn(v: string): unknown;
  setName(v: string): unknown;
  setType(v: string): unknown;
}

interface ChangeRequest {
  setId(v: string): unknown;
  setOlds(v?: StructPb.Struct): unknown;
  setNews(v?: StructPb.Struct): unknown;
  setOldInputs(v?: StructPb.Struct): unknown;
  setIgnorechangesList(v: string[]): unknown;
}

/** The calls of one provider method during a run. */
export interface RpcTiming {
  calls: number;
  totalMs: number;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface ReadResult {
  id: string;
  properties: PropertyMap;
  inputs?: PropertyMap;
}

/** A provider call failed; `partial` is set when a create/update left a resource behind. */
export class ProviderError extends Error {
  readonly partial?: { id: string; properties: PropertyMap; reasons: string[] };

  constructor(message: string, partial?: ProviderError["partial"]) {
    super(message);
    this.partial = partial;
  }
}

interface Protos {
  grpc: typeof GrpcJs;
  provGrpc: typeof ProvGrpc;
  prov: typeof ProvPb;
  plug: typeof PlugPb;
  status: typeof StatusPb;
  struct: typeof StructPb;
  empty: typeof EmptyPb;
}

/** Loads gRPC and the message classes from the program's @pulumi/pulumi (its own google-protobuf). */
function loadProtos(pulumiDir: string): Protos {
  const req = createRequire(path.join(pulumiDir, "package.json"));
  return {
    grpc: req("@grpc/grpc-js") as typeof GrpcJs,
    provGrpc: req("./proto/provider_grpc_pb") as typeof ProvGrpc,
    prov: req("./proto/provider_pb") as typeof ProvPb,
    plug: req("./proto/plugin_pb") as typeof PlugPb,
    status: req("./proto/status_pb") as typeof StatusPb,
    struct: req("google-protobuf/google/protobuf/struct_pb") as typeof StructPb,
    empty: req("google-protobuf/google/protobuf/empty_pb") as typeof EmptyPb,
  };
}

type StructMap = Record<string, StructPb.JavaScriptValue>;
type Callback<Res> = (err: GrpcJs.ServiceError | null, res: Res) => void;

export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ProvGrpc.ResourceProviderClient,
    private readonly p: Protos,
    private readonly exited: Promise<void>,
  ) {}

  static async start(opts: HostOptions): Promise<ProviderHost> {
    const p = loadProtos(opts.program.pulumiDir);
    const { project } = opts.program;
    const pulumiConfig = Object.fromEntries(Object.entries(opts.config).map(([k, v]) => [k, v.value]));
    const child = spawn(process.execPath, [path.join(opts.program.pulumiDir, "cmd", "dynamic-provider", "index.js"), "127.0.0.1:1"], {
      // require() inside serialized providers resolves through the cwd's node_modules.
      cwd: opts.program.dir,
      env: {
        ...opts.env,
        PULUMI_NODEJS_PROJECT: project,
        PULUMI_NODEJS_STACK: opts.stack,
        PULUMI_NODEJS_DRY_RUN: String(opts.dryRun),
        PULUMI_PROJECT: project,
        PULUMI_STACK: opts.stack,
        PULUMI_DRY_RUN: String(opts.dryRun),
        PULUMI_CONFIG: JSON.stringify(pulumiConfig),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const port = await new Promise<string>((resolve, reject) => {
      let first = true;
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (first) {
          first = false;
          resolve(line.trim());
        } else opts.onLine("stdout", line);
      });
      createInterface({ input: child.stderr! }).on("line", (line) => opts.onLine("stderr", line));
      child.once("exit", (code) => reject(new Error(`provider host exited with ${code} before printing its port`)));
      child.once("error", reject);
    });
    const client = new p.provGrpc.ResourceProviderClient(`127.0.0.1:${port}`, p.grpc.credentials.createInsecure());
    const host = new ProviderHost(child, client, p, exited);
    await host.handshake(opts.config);
    return host;
  }

  /** How many calls of each provider method were made and how long they took in total (for benchmarks). */
  readonly timings: Record<string, RpcTiming> = {};

  /** `start` issues one unary call with the given callback (a closure keeps the overloads apart). */
  private call<Res>(method: string, start: (cb: Callback<Res>) => unknown): Promise<Res> {
    const since = performance.now();
    return new Promise((resolve, reject) => {
      start((err, res) => {
        const timing = (this.timings[method] ??= { calls: 0, totalMs: 0 });
        timing.calls++;
        timing.totalMs += performance.now() - since;
        if (err) reject(this.toError(err));
        else resolve(res);
      });
    });
  }

  /** Decodes ErrorResourceInitFailed from grpc-status-details-bin (a partial failure). */
  private toError(err: GrpcJs.ServiceError): ProviderError {
    const message = err.details || err.message;
    const bin = err.metadata?.get("grpc-status-details-bin")[0];
    if (bin instanceof Buffer) {
      const status = this.p.status.Status.deserializeBinary(new Uint8Array(bin));
      for (const any of status.getDetailsList()) {
        if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
        const detail = this.p.prov.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
        return new ProviderError(message, {
          id: detail.getId(),
          properties: detail.getProperties()?.toJavaScript() ?? {},
          reasons: detail.getReasonsList(),
        });
      }
    }
    return new ProviderError(message);
  }

  private struct(m: PropertyMap): StructPb.Struct {
    // JSON round trip drops undefined, which Struct.fromJavaScript rejects.
    return this.p.struct.Struct.fromJavaScript(JSON.parse(JSON.stringify(stripMap(m))) as StructMap);
  }

  private async handshake(config: Record<string, ConfigValue>): Promise<void> {
    const unimplemented = async (f: () => Promise<unknown>): Promise<void> => {
      try {
        await f();
      } catch (e) {
        // The dynamic host implements neither; the engine then falls back to legacy Configure.
        if (!(e instanceof ProviderError)) throw e;
      }
    };
    await unimplemented(() => this.call("handshake", (cb) => this.client.handshake(new this.p.prov.ProviderHandshakeRequest(), cb)));
    await this.call("getPluginInfo", (cb) => this.client.getPluginInfo(new this.p.empty.Empty(), cb));
    const args: PropertyMap = {};
    for (const [k, v] of Object.entries(config)) args[k] = v.secret ? makeSecret(v.value) : v.value;
    const checkReq = new this.p.prov.CheckRequest();
    checkReq.setUrn("urn:pulumi:stack::project::pulumi:providers:pulumi-nodejs::default");
    checkReq.setOlds(this.p.struct.Struct.fromJavaScript({}));
    checkReq.setNews(this.p.struct.Struct.fromJavaScript(args as StructMap));
    await unimplemented(() => this.call("checkConfig", (cb) => this.client.checkConfig(checkReq, cb)));
    const req = new this.p.prov.ConfigureRequest();
    // Configure is the one call that carries secrets as secret values.
    req.setArgs(this.p.struct.Struct.fromJavaScript(args as StructMap));
    const vars = req.getVariablesMap();
    for (const [k, v] of Object.entries(config)) vars.set(k, v.value);
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    req.setSendsOldInputs(true);
    req.setSendsOldInputsToDelete(true);
    await this.call("configure", (cb) => this.client.configure(req, cb));
  }

  /** Every resource request names its resource the same way. */
  private addressed<T extends Addressable>(req: T, r: ResourceRef): T {
    req.setUrn(r.urn);
    req.setName(r.name);
    req.setType(r.type);
    return req;
  }

  /** Diff and Update carry the same description of the change. */
  private changeOf<T extends Addressable & ChangeRequest>(req: T, r: ResourceRef, c: Change): T {
    this.addressed(req, r).setId(c.id);
    req.setOlds(this.struct(c.olds));
    req.setNews(this.struct(c.news));
    req.setOldInputs(this.struct(c.oldInputs));
    req.setIgnorechangesList(c.ignoreChanges);
    return req;
  }

  async check(r: ResourceRef, olds: PropertyMap, news: PropertyMap): Promise<{ inputs: PropertyMap; failures: CheckFailure[] }> {
    const req = this.addressed(new this.p.prov.CheckRequest(), r);
    req.setOlds(this.struct(olds));
    req.setNews(this.struct(news));
    const res = await this.call<ProvPb.CheckResponse>("check", (cb) => this.client.check(req, cb));
    const inputs = annotateSecrets(res.getInputs()?.toJavaScript() ?? {}, news);
    const failures = res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
    return { inputs, failures };
  }

  async diff(r: ResourceRef, c: Change): Promise<DiffResult> {
    const req = this.changeOf(new this.p.prov.DiffRequest(), r, c);
    const res = await this.call<ProvPb.DiffResponse>("diff", (cb) => this.client.diff(req, cb));
    const C = this.p.prov.DiffResponse.DiffChanges;
    const changes = res.getChanges() === C.DIFF_SOME ? "some" : res.getChanges() === C.DIFF_NONE ? "none" : "unknown";
    // As `decodeDetailedDiff`: only when the provider says it has one (the dynamic host never does).
    const K = this.p.prov.PropertyDiff.Kind;
    const names: Record<number, PropertyDiffKind> = {
      [K.ADD]: "ADD",
      [K.ADD_REPLACE]: "ADD_REPLACE",
      [K.DELETE]: "DELETE",
      [K.DELETE_REPLACE]: "DELETE_REPLACE",
      [K.UPDATE]: "UPDATE",
      [K.UPDATE_REPLACE]: "UPDATE_REPLACE",
    };
    const detailed: Record<string, PropertyDiffKind> = {};
    res.getDetaileddiffMap().forEach((d, path) => {
      detailed[path] = names[d.getKind()] ?? "UPDATE";
    });
    return {
      changes,
      replaces: res.getReplacesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
      diffs: res.getDiffsList(),
      ...(res.getHasdetaileddiff() ? { detailedDiff: detailed } : {}),
    };
  }

  async create(r: ResourceRef, props: PropertyMap): Promise<{ id: string; properties: PropertyMap }> {
    const req = this.addressed(new this.p.prov.CreateRequest(), r);
    req.setProperties(this.struct(props));
    req.setPreview(false);
    const res = await this.call<ProvPb.CreateResponse>("create", (cb) => this.client.create(req, cb));
    return { id: res.getId(), properties: annotateSecrets(res.getProperties()?.toJavaScript() ?? {}, props) };
  }

  async update(r: ResourceRef, c: Change): Promise<PropertyMap> {
    const req = this.changeOf(new this.p.prov.UpdateRequest(), r, c);
    req.setPreview(false);
    const res = await this.call<ProvPb.UpdateResponse>("update", (cb) => this.client.update(req, cb));
    return annotateSecrets(res.getProperties()?.toJavaScript() ?? {}, c.news);
  }

  /** Read by id; `properties` are the old outputs (refresh) or empty (import, get); `inputs` the program's (get) or none (import). */
  async read(r: ResourceRef, id: string, properties: PropertyMap, inputs: PropertyMap): Promise<ReadResult> {
    const req = this.addressed(new this.p.prov.ReadRequest(), r);
    req.setId(id);
    req.setProperties(this.struct(properties));
    // Like the Go engine, no inputs at all rather than an empty map (the host tells them apart).
    if (Object.keys(inputs).length > 0) req.setInputs(this.struct(inputs));
    const res = await this.call<ProvPb.ReadResponse>("read", (cb) => this.client.read(req, cb));
    const outs = annotateSecrets(res.getProperties()?.toJavaScript() ?? {}, properties);
    const newInputs = res.getInputs()?.toJavaScript();
    return { id: res.getId(), properties: outs, ...(newInputs ? { inputs: annotateSecrets(newInputs, inputs) } : {}) };
  }

  /** Delete with the old outputs (their `__provider` is the one that created the resource). */
  async delete(r: ResourceRef, id: string, properties: PropertyMap, oldInputs: PropertyMap): Promise<void> {
    const req = this.addressed(new this.p.prov.DeleteRequest(), r);
    req.setId(id);
    req.setProperties(this.struct(properties));
    req.setOldInputs(this.struct(oldInputs));
    await this.call("delete", (cb) => this.client.delete(req, cb));
  }

  /**
   * Stops the host as Pulumi's engine stops a plugin (sdk/go/common/resource/plugin/plugin.go
   * `Plugin.Close`, `cmdutil.InterruptChildren`): close the connection, SIGINT, and SIGKILL if it
   * has not exited within 5 s. The provider uses that time to apply or release what is open.
   */
  async close(): Promise<void> {
    this.client.close();
    this.child.kill("SIGINT");
    const killer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await this.exited;
    clearTimeout(killer);
  }
}

/**
 * The protocol-6 provider service over gRPC, plus go-plugin's controller (Shutdown) and the health
 * service. Each RPC decodes its DynamicValues by the schema, calls `resources.ts` or
 * `data-sources.ts`, and answers with diagnostics rather than gRPC errors wherever the protocol
 * has room for them, so that the CLI shows the reason at the right attribute.
 */
import * as grpc from "@grpc/grpc-js";
import { type CtyObject, type DynamicValue, readDynamic, writeDynamic } from "./cty";
import { Connection } from "./connection";
import { readData } from "./data-sources";
import { type Diagnostic, errorAt, fromError } from "./diagnostics";
import { controllerService, healthService, providerService, wireSchema } from "./protocol";
import { apply, importState, plan, read, upgrade, validate } from "./resources";
import { type DataSourceType, type ResourceType, dataSourceTypes, providerSchema, providerType, resourceTypes } from "./schema";

/** What a running server needs from its process. */
export interface ServerOptions {
  /** Where log lines go (the CLI keeps the plugin's stderr in its log). */
  log: (line: string) => void;
  /** Called once the client asked for a shutdown (go-plugin's controller). */
  onShutdown: () => void;
}

type Request = Record<string, unknown>;
type Handler = (request: Request) => Promise<Record<string, unknown>>;

function unary(handler: Handler, log: (line: string) => void): grpc.handleUnaryCall<Request, Record<string, unknown>> {
  return (call, callback) => {
    handler(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => {
        log(`rpc failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        callback({ code: grpc.status.INTERNAL, details: error instanceof Error ? error.message : String(error) });
      },
    );
  };
}

function unknownType(kind: string, name: unknown): Diagnostic {
  return errorAt(`unknown ${kind} type`, `This provider has no ${kind} type '${String(name)}'.`);
}

function dynamic(request: Request, key: string): DynamicValue | undefined {
  return request[key] as DynamicValue | undefined;
}

function bytes(request: Request, key: string): Uint8Array | null {
  const value = request[key];
  return value instanceof Uint8Array && value.length > 0 ? value : null;
}

function objectOrNull(value: ReturnType<typeof readDynamic>): CtyObject | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as CtyObject) : null;
}

/** The Provider service's handlers. */
function providerHandlers(connection: Connection, log: (line: string) => void): Record<string, Handler> {
  const resource = (name: unknown): ResourceType | undefined => resourceTypes.get(String(name));
  const dataSource = (name: unknown): DataSourceType | undefined => dataSourceTypes.get(String(name));
  let schemaResponse: Record<string, unknown> | undefined;
  return {
    async GetProviderSchema() {
      schemaResponse ??= {
        provider: wireSchema(providerSchema),
        resource_schemas: Object.fromEntries([...resourceTypes].map(([name, rt]) => [name, wireSchema(rt.schema)])),
        data_source_schemas: Object.fromEntries([...dataSourceTypes].map(([name, ds]) => [name, wireSchema(ds.schema)])),
        diagnostics: [],
        server_capabilities: { plan_destroy: false, get_provider_schema_optional: false, move_resource_state: false },
      };
      return schemaResponse;
    },
    async ValidateProviderConfig() {
      return { diagnostics: [] };
    },
    async ValidateResourceConfig(request) {
      const rt = resource(request["type_name"]);
      if (!rt) return { diagnostics: [unknownType("resource", request["type_name"])] };
      const config = objectOrNull(readDynamic(dynamic(request, "config"), rt.type));
      const capabilities = request["client_capabilities"] as { write_only_attributes_allowed?: boolean } | undefined;
      return { diagnostics: validate(rt, config, capabilities?.write_only_attributes_allowed === true) };
    },
    async ValidateDataResourceConfig(request) {
      return { diagnostics: dataSource(request["type_name"]) ? [] : [unknownType("data source", request["type_name"])] };
    },
    async UpgradeResourceState(request) {
      const rt = resource(request["type_name"]);
      if (!rt) return { diagnostics: [unknownType("resource", request["type_name"])] };
      const raw = request["raw_state"] as { json?: Uint8Array } | undefined;
      const { state, diagnostics } = upgrade(rt, Number(request["version"] ?? 0), raw?.json);
      return { upgraded_state: writeDynamic(state, rt.type), diagnostics };
    },
    async ConfigureProvider(request) {
      const block = objectOrNull(readDynamic(dynamic(request, "config"), providerType)) ?? {};
      const problem = await connection.configure(block);
      if (problem === undefined) return { diagnostics: [] };
      // A missing setting is said in Pulumi's words by the shared resolution: say where Terraform sets it.
      const where = /^no Proxmox (endpoint|credentials)/.test(problem)
        ? " In Terraform/OpenTofu, set the provider block's `endpoint` and `api_token` (or `username` and `password`), or the PROXMOX_VE_* environment variables."
        : "";
      return { diagnostics: [errorAt("the proxmox provider cannot connect", `${problem}.${where}`)] };
    },
    async ReadResource(request) {
      const rt = resource(request["type_name"]);
      if (!rt) return { diagnostics: [unknownType("resource", request["type_name"])] };
      const prior = objectOrNull(readDynamic(dynamic(request, "current_state"), rt.type));
      const privateBytes = bytes(request, "private") ?? Buffer.alloc(0);
      if (!prior) return { new_state: writeDynamic(null, rt.type), private: privateBytes, diagnostics: [] };
      try {
        return { new_state: writeDynamic(await read(rt, connection, prior), rt.type), private: privateBytes, diagnostics: [] };
      } catch (error) {
        return { new_state: writeDynamic(prior, rt.type), private: privateBytes, diagnostics: [fromError(`reading ${rt.typeName} failed`, error)] };
      }
    },
    async PlanResourceChange(request) {
      const rt = resource(request["type_name"]);
      if (!rt) return { diagnostics: [unknownType("resource", request["type_name"])] };
      const prior = objectOrNull(readDynamic(dynamic(request, "prior_state"), rt.type));
      const proposed = objectOrNull(readDynamic(dynamic(request, "proposed_new_state"), rt.type));
      const config = proposed === null ? null : objectOrNull(readDynamic(dynamic(request, "config"), rt.type));
      try {
        const result = await plan(rt, connection, prior, config, bytes(request, "prior_private"));
        return {
          planned_state: writeDynamic(result.planned, rt.type),
          requires_replace: result.requiresReplace.map((steps) => ({ steps })),
          planned_private: result.plannedPrivate,
          diagnostics: result.diagnostics,
        };
      } catch (error) {
        return { diagnostics: [fromError(`planning ${rt.typeName} failed`, error)] };
      }
    },
    async ApplyResourceChange(request) {
      const rt = resource(request["type_name"]);
      if (!rt) return { diagnostics: [unknownType("resource", request["type_name"])] };
      const prior = objectOrNull(readDynamic(dynamic(request, "prior_state"), rt.type));
      const planned = objectOrNull(readDynamic(dynamic(request, "planned_state"), rt.type));
      const config = objectOrNull(readDynamic(dynamic(request, "config"), rt.type));
      const result = await apply(rt, connection, prior, planned, config, bytes(request, "planned_private"), log);
      return { new_state: writeDynamic(result.state, rt.type), private: result.private, diagnostics: result.diagnostics };
    },
    async ImportResourceState(request) {
      const rt = resource(request["type_name"]);
      if (!rt) return { diagnostics: [unknownType("resource", request["type_name"])] };
      try {
        const state = await importState(rt, connection, String(request["id"] ?? ""));
        return {
          imported_resources: [{ type_name: rt.typeName, state: writeDynamic(state, rt.type), private: Buffer.from(JSON.stringify({ managed: [] })) }],
          diagnostics: [],
        };
      } catch (error) {
        return { imported_resources: [], diagnostics: [fromError(`importing ${rt.typeName} failed`, error)] };
      }
    },
    async ReadDataSource(request) {
      const ds = dataSource(request["type_name"]);
      if (!ds) return { diagnostics: [unknownType("data source", request["type_name"])] };
      const config = objectOrNull(readDynamic(dynamic(request, "config"), ds.type)) ?? {};
      try {
        return { state: writeDynamic(await readData(ds, connection, config), ds.type), diagnostics: [] };
      } catch (error) {
        return { diagnostics: [fromError(`reading ${ds.typeName} failed`, error)] };
      }
    },
    async StopProvider() {
      // Running engine calls finish their current PVE task wait; nothing new starts after a stop.
      return { Error: "" };
    },
  };
}

/** A gRPC server with the three services registered (not yet bound). */
export function providerServer(options: ServerOptions): { server: grpc.Server; connection: Connection } {
  const server = new grpc.Server();
  const connection = new Connection(options.log);
  const handlers = providerHandlers(connection, options.log);
  server.addService(providerService, Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name, unary(handler, options.log)])));
  server.addService(controllerService, {
    Shutdown: unary(async () => {
      setImmediate(options.onShutdown);
      return {};
    }, options.log),
  });
  // go-plugin's client pings the service "plugin"; the whole server is one plugin.
  server.addService(healthService, { Check: unary(async () => ({ status: "SERVING" }), options.log) });
  return { server, connection };
}

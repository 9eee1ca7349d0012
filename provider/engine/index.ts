/**
 * The lifecycle engine: the four operations Pulumi asks of every kind, driven by its definition.
 * `provider/runtime` calls it with a live client; tests call it with anything that is an EngineApi.
 */
export type { EngineApi, PveMethod, WireParams } from "./api";
export { check, checkRemote, hasRemoteCheck, type CheckResult } from "./check";
export { checkExistence, type ExistenceContext } from "./existence";
export type { CheckFailure } from "../../schema/hooks";
export { errorKind } from "./api";
export { diff, type DiffResult, type PropertyDiff, type PropertyDiffKind } from "./diff";
export { create, read, update, remove, type ReadResult } from "./lifecycles";
export type { LifecycleOptions } from "./options";
export { PartialCreateError } from "./partial";
export { UNKNOWN, PROVIDER_KEY, type Props } from "./values";
export { formatId, parseId, identityOf } from "./identity";

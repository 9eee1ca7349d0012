// The local engine's programmatic API, for tests and the demo.
import { run } from "./engine";
import type { EngineOptions, EngineResult } from "./types";

export { installPackage } from "./install";
export { stackOutput, type OutputOptions, type OutputResult } from "./output";
export type { EngineOptions, EngineResult, Operation, StepOp, StepRecord } from "./types";
export type { ResourceState, StateFile } from "./state";

export const preview = (options: EngineOptions): Promise<EngineResult> => run("preview", options);
export const up = (options: EngineOptions): Promise<EngineResult> => run("up", options);
export const refresh = (options: EngineOptions): Promise<EngineResult> => run("refresh", options);
export const destroy = (options: EngineOptions): Promise<EngineResult> => run("destroy", options);

/** Starts a simulator for a test file with test-friendly defaults (no 401 delay, quick tasks, no state models). */
import { afterAll, beforeAll } from "vitest";
import type { Simulator, SimulatorOptions } from "../index";
import { startSimulator } from "../index";
import { TEST_TOKEN } from "./raw";

/** Returns a getter for a simulator started before and closed after the file's tests. */
export function useSimulator(options: SimulatorOptions = {}): () => Simulator {
  let sim: Simulator | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ authFailureDelayMs: 0, taskDurationMs: 30, rootPassword: "rootpw-123", apiToken: TEST_TOKEN, models: [], ...options });
  });
  afterAll(async () => {
    await sim?.close();
  });
  return () => {
    if (!sim) throw new Error("simulator not started");
    return sim;
  };
}

// Shared test setup: one endpoint, realistic credentials, fast retries and polls.
import { ProxmoxClient, type ProxmoxClientOptions } from "../../index";

export const ORIGIN = "https://pve1:8006";
export const API = "/api2/json";
export const TOKEN_ID = "ci@pve!deploy";
export const TOKEN_SECRET = "5f3c9a7e-1b2d-4e8f-9a0b-c1d2e3f4a5b6";
export const API_TOKEN = `${TOKEN_ID}=${TOKEN_SECRET}`;
export const UPID = "UPID:pve1:000A1B2C:0153F0E1:66F1A2B3:qmstart:100:root@pam:";

/** A client against {@link ORIGIN} with an API token and tiny retry/poll intervals. */
export function tokenClient(overrides: Partial<ProxmoxClientOptions> = {}): ProxmoxClient {
  return new ProxmoxClient({
    endpoint: ORIGIN,
    apiToken: API_TOKEN,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 2,
    taskPollIntervalMs: 1,
    taskPollMaxIntervalMs: 2,
    ...overrides,
  });
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

/**
 * The request workload of sections 1 and 2, the same for every client: units of four requests
 * on one PVE group (create, read it, read the version, delete it): half GETs, half small writes.
 */
import { elapsed } from "./stats";

/** What a client must do for the workload; every method throws on a non-2xx answer. */
export interface Driver {
  readonly name: string;
  createGroup(groupid: string): Promise<void>;
  readGroup(groupid: string): Promise<void>;
  version(): Promise<void>;
  deleteGroup(groupid: string): Promise<void>;
  close(): Promise<void> | void;
}

/** Requests per unit. */
export const UNIT = 4;

/** Runs `requests / UNIT` units through `driver` with `concurrency` units in flight; the wall time in ms. */
export async function runWorkload(driver: Driver, tag: string, requests: number, concurrency: number): Promise<number> {
  const units = Math.ceil(requests / UNIT);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < units; i = next++) {
      const id = `${tag}${i}`;
      await driver.createGroup(id);
      await driver.readGroup(id);
      await driver.version();
      await driver.deleteGroup(id);
    }
  };
  const since = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return elapsed(since);
}

// nock setup. Only for files that use nock: importing nock intercepts every socket of the
// process, so files with a real TLS server must not import it.
import nock from "nock";
import { afterAll, afterEach, beforeAll } from "vitest";

/** Installs nock for this file: no real network, clean between tests. */
export function useNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());
}

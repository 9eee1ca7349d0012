/** PVE's `raise_param_exc`: HTTP 400 "Parameter verification failed." with per-field errors. */
import { SimError } from "../types";

/** A 400 with `errors` as PVE's validator reports them. */
export function paramError(errors: Readonly<Record<string, string>>): SimError {
  return new SimError(400, "Parameter verification failed.\n", errors);
}

/** Terraform diagnostics: what the CLI shows under "Error:" / "Warning:", optionally at an attribute. */
import type { Redactor } from "../client/redact";

/** One step of an attribute path: an attribute name, a map key or a list index. */
export type PathStep = { attribute_name: string } | { element_key_string: string } | { element_key_int: number };

export interface Diagnostic {
  severity: "ERROR" | "WARNING";
  summary: string;
  detail: string;
  attribute?: { steps: PathStep[] };
}

/** An error diagnostic, at `path` when given (Terraform then points at that line of the configuration). */
export function errorAt(summary: string, detail: string, path?: readonly PathStep[]): Diagnostic {
  return { severity: "ERROR", summary, detail, ...(path ? { attribute: { steps: [...path] } } : {}) };
}

export function warning(summary: string, detail: string): Diagnostic {
  return { severity: "WARNING", summary, detail };
}

/**
 * A thrown error as a diagnostic. The client redacts its credentials already; `redact` also hides
 * the call's own secrets (write-only values of the configuration).
 */
export function fromError(summary: string, error: unknown, redact: Redactor = (text) => text): Diagnostic {
  const text = error instanceof Error ? error.message : String(error);
  return errorAt(summary, redact(text));
}

/**
 * An in-memory section-config file (storage.cfg, jobs.cfg, sdn/zones.cfg, ...): ids mapped to
 * records, with the raw text PVE would write, so the digest changes exactly when the file does.
 */
import { sha1, type ConfigRecord } from "./config-text";

/** Ids to records, plus the file text and digest derived from them. */
export class SectionStore {
  private items = new Map<string, ConfigRecord>();

  /** @param sectionType the section header's type for a record (default: its `type` key). */
  constructor(private readonly sectionType: (record: ConfigRecord) => string = (r) => String(r.type ?? "section")) {}

  has(id: string): boolean {
    return this.items.has(id);
  }

  /** A copy of the record, or undefined: callers mutate copies and `set` them back. */
  get(id: string): ConfigRecord | undefined {
    const found = this.items.get(id);
    return found ? { ...found } : undefined;
  }

  set(id: string, record: ConfigRecord): void {
    this.items.set(id, { ...record });
  }

  delete(id: string): void {
    this.items.delete(id);
  }

  /** Ids in PVE's listing order (sorted). */
  ids(): string[] {
    return [...this.items.keys()].sort();
  }

  /** `[id, copy of record]` pairs, sorted by id. */
  entries(): [string, ConfigRecord][] {
    return this.ids().map((id) => [id, { ...this.items.get(id) }]);
  }

  /** `[id, copy of record]` pairs in file order (`SectionConfig`'s `order`: new sections go last). */
  inFileOrder(): [string, ConfigRecord][] {
    return [...this.items].map(([id, record]) => [id, { ...record }]);
  }

  /** A deep copy of all sections, e.g. to keep as SDN's running config. */
  snapshot(): Map<string, ConfigRecord> {
    return new Map([...this.items].map(([id, record]) => [id, { ...record }]));
  }

  /** Replaces every section with a snapshot's. */
  restore(snapshot: ReadonlyMap<string, ConfigRecord>): void {
    this.items = new Map([...snapshot].map(([id, record]) => [id, { ...record }]));
  }

  /** The section-config text: `type: id` headers, tab-indented `key value` lines. */
  text(): string {
    return this.entries()
      .map(([id, record]) => {
        const body = Object.keys(record)
          .filter((key) => key !== "type")
          .sort()
          .map((key) => `\t${key} ${record[key]}\n`)
          .join("");
        return `${this.sectionType(record)}: ${id}\n${body}`;
      })
      .join("\n");
  }

  digest(): string {
    return sha1(this.text());
  }
}

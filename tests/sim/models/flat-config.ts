/** A flat `key: value` config file (datacenter.cfg, node config, firewall options). */
import { keyValueText, sha1, type ConfigRecord } from "./config-text";

/** One flat config, with the digest of the text PVE would write. */
export class FlatConfig {
  private values: ConfigRecord;

  constructor(
    initial: ConfigRecord = {},
    private readonly render: (record: ConfigRecord) => string = keyValueText,
  ) {
    this.values = { ...initial };
  }

  /** A copy of the current values. */
  record(): ConfigRecord {
    return { ...this.values };
  }

  replace(next: ConfigRecord): void {
    this.values = { ...next };
  }

  digest(): string {
    return sha1(this.render(this.values));
  }
}

/** One AWS call as the sandbox answered it (read from the admin surface). */
export interface CallLogEntry {
  seq: number;
  /** Sandbox-clock ISO time. */
  time: string;
  service: string;
  operation: string;
  region: string;
  callerArn?: string;
  callerAccountId?: string;
  accessKeyId?: string;
  /** Task policy name when the caller is a root session. */
  sessionTaskPolicy?: string;
  /** The account acted on (AssumeRoot's target, a root session's account, else the caller's). */
  targetAccountId?: string;
  /**
   * The Organizations entity a call names (`ParentId`, `ChildId`, `AccountId` or
   * `OrganizationalUnitId`), so tests can prove which part of the organization a command read.
   */
  subject?: string;
  /** `OK` or the error code answered. */
  outcome: string;
  httpStatus: number;
  /** Set when the answer came from fault injection or a quota rather than the model. */
  injected?: 'fault' | 'quota' | 'drop';
}

export class CallLog {
  private entries: CallLogEntry[] = [];
  private seq = 0;

  constructor(private readonly limit = 200_000) {}

  add(entry: Omit<CallLogEntry, 'seq'>): CallLogEntry {
    this.seq += 1;
    const full = { seq: this.seq, ...entry };
    this.entries.push(full);
    // Bounded so a long benchmark cannot exhaust memory; oldest entries go first.
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return full;
  }

  list(filter: { sinceSeq?: number; service?: string; operation?: string } = {}): CallLogEntry[] {
    return this.entries.filter(
      (e) =>
        (filter.sinceSeq === undefined || e.seq > filter.sinceSeq) &&
        (filter.service === undefined || e.service === filter.service) &&
        (filter.operation === undefined || e.operation === filter.operation),
    );
  }

  clear(): void {
    this.entries = [];
  }
}

/**
 * Token-bucket quotas per caller account and API (aws-facts.md §7). Organizations numbers are AWS's
 * published ones (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html);
 * AssumeRoot's quota is unpublished, so it gets STS's published default of 600 requests/second per
 * account and Region; IAM publishes no numbers, so the sandbox documents its own default.
 */
export interface QuotaRule {
  /** Requests per second refilled. */
  rate: number;
  /** Bucket size (requests allowed at once). */
  burst: number;
  /** Organization-wide bucket shared by every caller account, where AWS publishes one. */
  orgRate?: number;
  orgBurst?: number;
}

export interface QuotaOverrides {
  /** false disables every bucket (default true). */
  enabled?: boolean;
  /** Per API (`organizations:ListAccounts`) or per service (`iam:*`); null removes a bucket. */
  rules?: Record<string, QuotaRule | null>;
}

export const DEFAULT_QUOTAS: Readonly<Record<string, QuotaRule>> = {
  'sts:AssumeRoot': { rate: 600, burst: 600 },
  'sts:*': { rate: 600, burst: 600 },
  'iam:*': { rate: 20, burst: 40 },
  'organizations:DescribeAccount': { rate: 20, burst: 30, orgRate: 24, orgBurst: 36 },
  'organizations:ListAccounts': { rate: 8, burst: 12, orgRate: 9, orgBurst: 15 },
  'organizations:ListChildren': { rate: 6, burst: 10, orgRate: 7, orgBurst: 12 },
  'organizations:ListParents': { rate: 5, burst: 8, orgRate: 6, orgBurst: 10 },
  'organizations:ListAccountsForParent': { rate: 5, burst: 8, orgRate: 6, orgBurst: 10 },
  'organizations:ListOrganizationalUnitsForParent': { rate: 5, burst: 8, orgRate: 6, orgBurst: 10 },
  'organizations:ListRoots': { rate: 1, burst: 2, orgRate: 1, orgBurst: 3 },
  'organizations:DescribeOrganization': { rate: 1, burst: 2 },
  'organizations:ListAWSServiceAccessForOrganization': { rate: 1, burst: 3, orgRate: 1, orgBurst: 4 },
  'organizations:ListDelegatedAdministrators': { rate: 5, burst: 8, orgRate: 6, orgBurst: 10 },
  'organizations:EnableAWSServiceAccess': { rate: 1, burst: 2 },
  'organizations:RegisterDelegatedAdministrator': { rate: 1, burst: 2 },
  'organizations:DeregisterDelegatedAdministrator': { rate: 1, burst: 2 },
  'organizations:*': { rate: 5, burst: 8 },
  's3:*': { rate: 100, burst: 200 },
  'sqs:*': { rate: 100, burst: 200 },
};

interface Bucket {
  tokens: number;
  last: number;
}

export class QuotaManager {
  private rules = new Map<string, QuotaRule | null>();
  private enabled = true;
  private readonly buckets = new Map<string, Bucket>();
  private overrides: QuotaOverrides = {};

  constructor(overrides: QuotaOverrides = {}) {
    this.configure(overrides);
  }

  configure(overrides: QuotaOverrides): void {
    this.overrides = { ...overrides, ...(overrides.rules ? { rules: { ...overrides.rules } } : {}) };
    this.enabled = overrides.enabled ?? true;
    this.rules = new Map<string, QuotaRule | null>(Object.entries(DEFAULT_QUOTAS));
    for (const [api, rule] of Object.entries(overrides.rules ?? {})) this.rules.set(api, rule);
    this.buckets.clear();
  }

  current(): { enabled: boolean; rules: Record<string, QuotaRule | null>; overrides: QuotaOverrides } {
    return { enabled: this.enabled, rules: Object.fromEntries(this.rules), overrides: this.overrides };
  }

  ruleFor(service: string, operation: string): QuotaRule | undefined {
    const exact = this.rules.get(`${service}:${operation}`);
    if (exact !== undefined) return exact ?? undefined;
    return this.rules.get(`${service}:*`) ?? undefined;
  }

  /** Takes one token from the caller's bucket (and the org's); false = throttled. Real time. */
  take(service: string, operation: string, callerAccountId: string, region: string): boolean {
    if (!this.enabled) return true;
    const rule = this.ruleFor(service, operation);
    if (!rule) return true;
    const now = performance.now();
    const api = `${service}:${operation}`;
    // STS quotas are per account and Region; the others are per account (global services).
    const key = service === 'sts' ? `${callerAccountId}|${region}|${api}` : `${callerAccountId}|${api}`;
    if (!this.tryTake(key, rule.rate, rule.burst, now)) return false;
    if (
      rule.orgRate !== undefined &&
      !this.tryTake(`org|${api}`, rule.orgRate, rule.orgBurst ?? rule.orgRate, now)
    )
      return false;
    return true;
  }

  private tryTake(key: string, rate: number, burst: number, now: number): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: burst, last: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.last) / 1000) * rate);
      bucket.last = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  refill(): void {
    this.buckets.clear();
  }
}

import { CallLog } from './call-log.js';
import { type Clock, createClock } from './clock.js';
import { FaultInjector, type FaultRule, type LatencyConfig } from './faults.js';
import { QuotaManager, type QuotaOverrides } from './quotas.js';
import type { Scenario } from './scenarios/schema.js';
import { CredentialStore } from './state/credentials.js';
import { buildWorld, type World } from './state/world.js';
import type { WorldPersistence } from './state/world-file.js';

export interface CoreConfig {
  latency: LatencyConfig;
  faults: FaultRule[];
  quotas: QuotaOverrides;
  seed: number;
}

/** Everything one sandbox holds: the world, credentials, clock, quotas, faults and the call log. */
export class SandboxCore {
  scenario: Scenario;
  world: World;
  readonly credentials = new CredentialStore();
  readonly clock: Clock = createClock();
  readonly quotas: QuotaManager;
  readonly faults: FaultInjector;
  readonly log = new CallLog();
  /** Set when the world is kept in a file across processes (see state/world-file.ts). */
  persistence: WorldPersistence | undefined;

  constructor(
    scenario: Scenario,
    private readonly config: CoreConfig,
  ) {
    this.quotas = new QuotaManager(config.quotas);
    this.faults = new FaultInjector(config.seed, { ...config.latency }, config.faults);
    this.scenario = scenario;
    this.world = this.build(scenario);
  }

  /** Replaces the scenario: new world, new principals, sessions dropped (the secret ledger stays). */
  load(scenario: Scenario): void {
    this.scenario = scenario;
    this.world = this.build(scenario);
    this.log.clear();
    this.quotas.refill();
  }

  /** Back to the loaded scenario's initial state and to the options the sandbox was created with. */
  reset(): void {
    this.clock.reset();
    this.quotas.configure(this.config.quotas);
    this.faults.latency = { ...this.config.latency };
    this.faults.setFaults(this.config.faults);
    this.faults.reseed(this.config.seed);
    this.load(this.scenario);
  }

  private build(scenario: Scenario): World {
    this.credentials.clearSessions();
    this.credentials.loadPrincipals(scenario.principals, scenario.organization.managementAccountId);
    return this.buildWorld(scenario);
  }

  /** The scenario's world as it starts (relative dates resolved now), with the principals' IAM users. */
  buildWorld(scenario: Scenario = this.scenario): World {
    const world = buildWorld(scenario, this.clock.now());
    for (const principal of this.credentials.principals) {
      if (principal.type !== 'user' || !principal.userName) continue;
      const account = world.accounts.get(principal.accountId);
      if (!account) continue;
      account.iamUsers.set(principal.userName, {
        userName: principal.userName,
        userId: principal.userId,
        arn: principal.arn,
        createDate: account.joinedTimestamp,
        accessKeyIds: [principal.accessKeyId],
      });
    }
    return world;
  }
}

import { generateScenario } from '@rootwarden/aws-sandbox';

type Scenario = ReturnType<typeof generateScenario>;
type Policy = Scenario['organization']['policies'][number];

/**
 * How the bench's `--scps N` organization attaches its policies.
 *
 * - `guardrails` (default): the shape of organizations run by a platform team. Guardrail SCPs and
 *   RCPs hang on the root and on OUs; a fixed handful of accounts are exceptions (an IAM read-only
 *   allow-list, a deny-only SCP, half of them without FullAWSAccess, so the analysis must resolve what
 *   else those accounts carry). Nothing grows with the number of accounts, so neither may the
 *   analysis' calls: this is the issue 12 cost claim ("a 10,000-account organization with 50 SCPs").
 * - `random`: the generator's dense random placement (each template on up to 1 in 60 of all OUs and
 *   accounts, 3 % of accounts with an allow-list or deny-only SCP): attachments grow with the
 *   accounts, and listing a policy's targets costs one call per 20 of them
 *   (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListTargetsForPolicy.html,
 *   MaxResults 20), so its cost does too. The correctness tests use this layout.
 */
export const SCP_LAYOUTS = ['guardrails', 'random'] as const;
export type ScpLayout = (typeof SCP_LAYOUTS)[number];

/** Account-level exceptions in the guardrails layout, whatever the organization's size. */
const EXCEPTION_ACCOUNTS = 10;
/** OUs running an allow-list strategy in the guardrails layout. */
const ALLOW_LIST_OUS = 3;

export function scenarioWithScps(options: {
  accounts: number;
  seed: number;
  count: number;
  layout: ScpLayout;
}): Scenario {
  const scenario = generateScenario({ accounts: options.accounts, seed: options.seed, policies: 'random' });
  const organization = scenario.organization;
  const rootId = organization.rootId;
  const ouIds = organization.organizationalUnits.map((unit) => unit.id);
  const accountIds = scenario.accounts.slice(1).map((account) => account.id);
  // A deterministic spread over a list (no randomness: runs compare).
  const spread = <T>(list: readonly T[], index: number, k: number) =>
    list[(index * 7919 + k * 104_729) % list.length] as T;

  if (options.layout === 'guardrails') {
    const exceptions = accountIds.filter(
      (_, index) => index % Math.ceil(accountIds.length / EXCEPTION_ACCOUNTS) === 0,
    );
    const allowListOus = ouIds.slice(0, ALLOW_LIST_OUS);
    for (const [index, policy] of organization.policies.entries()) {
      if (policy.name === 'AllowIamReadOnly') policy.targets = exceptions.filter((_, i) => i % 2 === 0);
      else if (policy.name === 'DenyPasswordCreation')
        policy.targets = exceptions.filter((_, i) => i % 2 === 1);
      else if (policy.name === 'AllowListWithoutIam') policy.targets = allowListOus;
      else if (policy.targets.includes(rootId)) policy.targets = [rootId];
      else policy.targets = [...new Set([0, 1].map((k) => spread(ouIds, index, k)))];
    }
    organization.fullAwsAccessDetachedFrom = [...allowListOus, ...exceptions.filter((_, i) => i % 4 < 2)];
  }

  const templates = organization.policies.filter(
    (policy) =>
      policy.type === 'SERVICE_CONTROL_POLICY' &&
      !['AllowIamReadOnly', 'DenyPasswordCreation', 'AllowListWithoutIam'].includes(policy.name),
  );
  const scps = organization.policies.filter((policy) => policy.type === 'SERVICE_CONTROL_POLICY').length;
  const pool = options.layout === 'guardrails' ? ouIds : [...ouIds, ...accountIds];
  for (let index = scps; index < options.count; index += 1) {
    const template = templates[index % templates.length] as Policy;
    organization.policies.push({
      ...template,
      id: `p-bench${String(index).padStart(8, '0')}`,
      name: `${template.name}-${index}`,
      targets: [...new Set([0, 1, 2].map((k) => spread(pool, index, k)))],
    });
  }
  return scenario;
}

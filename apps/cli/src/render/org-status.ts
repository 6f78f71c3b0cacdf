import type { EnableStep, OrgStatus } from '@rootwarden/core';
import { neutralizeStringsForTerminal } from '@rootwarden/core';
import { colors } from './colors.js';
import { renderTable } from './table.js';

function onOff(value: boolean | null): string {
  if (value === null) return colors.yellow('unknown');
  return value ? colors.green('enabled') : colors.red('disabled');
}

/** What each capability lets a person do, in words (the JSON keeps the code names). */
const CAPABILITY_WORDS: Record<string, string> = {
  audit: 'audit',
  deleteRootCredentials: 'delete root credentials',
  allowPasswordRecovery: 'allow root password recovery',
  unlockResourcePolicies: 'unlock S3 bucket and SQS queue policies',
  enable: 'enable centralized root access',
};

function inWords(name: string): string {
  return CAPABILITY_WORDS[name] ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export function renderOrgStatus(untrustedStatus: OrgStatus): string {
  // Names, OU paths and AWS messages may hold escape sequences or bidi overrides: shown, never run.
  const status = neutralizeStringsForTerminal(untrustedStatus);
  const org = status.organization;
  const capabilities = Object.entries(status.capabilities);
  const rows: string[][] = [
    ['Caller', `${status.caller.arn} (${status.caller.role})`],
    ['Region / STS endpoint', `${status.region} · ${status.stsEndpoint}`],
    [
      'Organization',
      org
        ? `${org.id} (feature set ${org.featureSet}, management account ${org.managementAccountId})`
        : colors.red('none'),
    ],
    ['Trusted access for IAM', onOff(status.trustedAccessForIam)],
    ['Root credentials management', onOff(status.rootCredentialsManagement)],
    ['Privileged root actions', onOff(status.rootSessions)],
    [
      'IAM delegated admin',
      status.delegatedAdministrators === null
        ? colors.yellow('unknown')
        : status.delegatedAdministrators.map((admin) => `${admin.accountId} (${admin.name})`).join(', ') ||
          'none',
    ],
    [
      'Can do now',
      capabilities
        .filter(([, can]) => can)
        .map(([name]) => colors.green(inWords(name)))
        .join(', ') || colors.red('nothing'),
    ],
    ...(capabilities.some(([, can]) => !can)
      ? [
          [
            'Cannot do yet',
            capabilities
              .filter(([, can]) => !can)
              .map(([name]) => colors.red(inWords(name)))
              .join(', '),
          ],
        ]
      : []),
  ];
  const lines = [renderTable(['', ''], rows).split('\n').slice(1).join('\n')];
  if (status.problems.length === 0) {
    lines.push('', colors.green('No problems found.'));
  } else {
    lines.push('', `${status.problems.length} problem${status.problems.length === 1 ? '' : 's'}:`);
    for (const problem of status.problems) {
      lines.push(`  ${colors.red('✗')} ${problem.message} [${problem.code}]`, `    fix: ${problem.fix}`);
    }
  }
  return lines.join('\n');
}

export function renderEnableSteps(untrustedSteps: EnableStep[]): string {
  // Names, OU paths and AWS messages may hold escape sequences or bidi overrides: shown, never run.
  const steps = neutralizeStringsForTerminal(untrustedSteps);
  return steps
    .map((step) => {
      const mark =
        step.status === 'pending' ? '•' : step.status === 'done' ? colors.green('✓') : colors.dim('=');
      const label = step.status === 'already-enabled' ? colors.dim('already enabled') : step.status;
      return `  ${mark} ${step.description} — ${label}`;
    })
    .join('\n');
}

import type { ScenarioInput } from './schema.js';

type PrincipalInput = ScenarioInput['principals'][number];

/**
 * The standard cast of every built-in scenario. Keys are visibly fake (`AKIAEXAMPLE...`,
 * `NOT-A-REAL-SECRET`) so nobody mistakes them for AWS credentials.
 */
export function standardPrincipals(
  tag: string,
  ids: { management: string; delegatedAdmin: string; member: string },
): PrincipalInput[] {
  const key = (role: string) => `AKIAEXAMPLE${tag}${role}`.padEnd(20, '0').slice(0, 20);
  const secret = (role: string) => `sandbox/${tag.toLowerCase()}/${role.toLowerCase()}/NOT-A-REAL-SECRET`;
  return [
    {
      name: 'management',
      accountId: ids.management,
      type: 'user',
      userName: 'admin',
      accessKeyId: key('MGMT'),
      secretAccessKey: secret('MGMT'),
      default: true,
    },
    {
      name: 'delegated-admin',
      accountId: ids.delegatedAdmin,
      type: 'user',
      userName: 'security-auditor',
      accessKeyId: key('DADM'),
      secretAccessKey: secret('DADM'),
    },
    {
      name: 'no-rights',
      accountId: ids.member,
      type: 'user',
      userName: 'developer',
      accessKeyId: key('NONE'),
      secretAccessKey: secret('NONE'),
      allow: [],
    },
    {
      name: 'management-root',
      accountId: ids.management,
      type: 'root',
      accessKeyId: key('ROOT'),
      secretAccessKey: secret('ROOT'),
    },
    {
      name: 'management-role',
      accountId: ids.management,
      type: 'role',
      userName: 'OrganizationAdmin',
      roleSessionName: 'alice',
      accessKeyId: `ASIAEXAMPLE${tag}ROLE`.padEnd(20, '0').slice(0, 20),
      secretAccessKey: secret('ROLE'),
      sessionToken: `sandbox-static-role-session-token/${tag.toLowerCase()}/NOT-A-REAL-TOKEN`,
    },
  ];
}

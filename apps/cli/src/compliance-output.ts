import { Errors, Flags } from '@oclif/core';
import {
  type AuditReport,
  COMPLIANCE_FRAMEWORK_IDS,
  type ComplianceFrameworkId,
  type Engine,
  evaluateCompliance,
  type FindingException,
  type OrganizationEvidence,
  readExceptionsFile,
} from '@rootwarden/core';
import { EXIT } from './exit-codes.js';
import {
  type ComplianceFormat,
  renderComplianceMarkdown,
  renderComplianceTable,
} from './render/compliance.js';

export const complianceFlag = Flags.option({
  options: COMPLIANCE_FRAMEWORK_IDS,
  description:
    'Print a per-control PASS/FAIL/NOT_APPLICABLE table for this framework (CIS AWS Foundations Benchmark, AWS Security Hub controls, AWS Config rules) with the accounts behind each verdict, instead of the report. --format table|json|markdown.',
})();

export const exceptionsFileFlag = Flags.string({
  description:
    'Also apply the exceptions of this reviewed file (JSON or YAML, schema https://rootwarden.dev/schemas/exceptions.v1.json); exceptions recorded with `rootwarden exceptions add` always apply.',
});

/** Reads `--exceptions FILE` (a clear usage error when it is missing or invalid). */
export async function loadExceptionsFlag(path: string | undefined): Promise<FindingException[]> {
  return path ? readExceptionsFile(path) : [];
}

/**
 * The compliance view of a report in `format`. CIS v7.0 2.1.1 also needs the organization's feature
 * status: read now with `org status`'s call (its reason says so); when it cannot be read, the control
 * says "not read" rather than guessing.
 */
export async function complianceOutput(
  /** The engine to read the organization's status with; `audits show` passes none (it never calls AWS). */
  engine: Engine | undefined,
  report: AuditReport,
  framework: ComplianceFrameworkId,
  format: string,
): Promise<string> {
  if (format !== 'table' && format !== 'json' && format !== 'markdown')
    throw new Errors.CLIError(`--compliance prints table, json or markdown, not ${format}.`, {
      exit: EXIT.USAGE,
    });
  let organization: OrganizationEvidence | undefined;
  if (framework === 'cis-7.0' && engine)
    organization = await engine.getOrgStatus().then(
      (status) => ({ rootCredentialsManagement: status.rootCredentialsManagement }),
      () => undefined,
    );
  const compliance = evaluateCompliance(report, framework, organization);
  const chosen = format as ComplianceFormat;
  if (chosen === 'json') return `${JSON.stringify(compliance, null, 2)}\n`;
  if (chosen === 'markdown') return renderComplianceMarkdown(compliance);
  return renderComplianceTable(compliance);
}

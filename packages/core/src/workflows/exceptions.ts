import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { AuditReport } from '../domain/audit.js';
import type { AuditDiff } from '../domain/audit-diff.js';
import {
  ExceptionsFileSchema,
  type FindingException,
  type NewException,
  NewExceptionSchema,
} from '../domain/exception.js';
import { parseInput } from '../domain/parse-input.js';
import { CoreError } from '../errors.js';
import { diffAudits } from '../rules/diff-audits.js';
import type { Store } from '../store/store.js';

/** Records an exception in the store, with who added it and when. */
export async function addException(
  store: Store,
  input: NewException,
  by: string,
  now: Date,
): Promise<FindingException> {
  const request = parseInput(NewExceptionSchema, input);
  if (Date.parse(request.expires) <= now.getTime())
    throw new CoreError('INVALID_INPUT', `expires: ${request.expires} is already past.`, {
      fix: 'Give a future date (an exception always ends; renew it with a new one when it runs out).',
      details: { field: 'expires' },
    });
  const exception = {
    id: randomUUID(),
    accountId: request.accountId,
    findingCode: request.findingCode ?? null,
    reason: request.reason,
    owner: request.owner,
    expiresAt: request.expires,
    createdAt: now.toISOString(),
    createdBy: by,
    source: 'store' as const,
  };
  await store.addException(exception);
  return exception;
}

/** Removes an exception by id or unique prefix (kept in the history as removed). */
export async function removeException(
  store: Store,
  id: string,
  by: string,
  now: Date,
): Promise<FindingException> {
  const wanted = id.trim().toLowerCase();
  const matches = (await store.listExceptions()).filter((exception) => exception.id.startsWith(wanted));
  if (wanted.length < 4 || matches.length !== 1)
    throw new CoreError(
      matches.length > 1 ? 'INVALID_INPUT' : 'EXCEPTION_NOT_FOUND',
      matches.length > 1 ? `id: "${id}" matches several exceptions.` : `No exception ${id}.`,
      {
        fix: 'See the exceptions and their ids with `rootwarden exceptions list`.',
        details: { field: 'id' },
      },
    );
  const removed = await store.removeException((matches[0] as FindingException).id, {
    at: now.toISOString(),
    by,
  });
  if (!removed)
    throw new CoreError('EXCEPTION_NOT_FOUND', `No exception ${id}.`, {
      fix: 'See the exceptions and their ids with `rootwarden exceptions list`.',
      details: { field: 'id' },
    });
  return removed;
}

/**
 * Reads a reviewed exceptions file (JSON or YAML, `--exceptions FILE`), validated against the published
 * schema. Its entries get stable ids (`file:PATH#N`) so a report names which entry accepted a finding.
 */
export async function readExceptionsFile(path: string): Promise<FindingException[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CoreError(
      'INVALID_INPUT',
      `exceptions: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}).`,
      { fix: 'Give the path of a JSON or YAML exceptions file.', details: { field: 'exceptions' } },
    );
  }
  let document: unknown;
  try {
    document = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new CoreError(
      'INVALID_INPUT',
      `exceptions: ${path} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'} (${(error as Error).message.split('\n')[0]}).`,
      {
        fix: 'Fix the file; its format is https://rootwarden.dev/schemas/exceptions.v1.json.',
        details: { field: 'exceptions' },
      },
    );
  }
  const parsed = ExceptionsFileSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    throw new CoreError('INVALID_INPUT', `exceptions: ${path}: ${where} ${issue?.message ?? 'is invalid'}.`, {
      fix: 'Fix the file; its format is https://rootwarden.dev/schemas/exceptions.v1.json (version: 1, exceptions: [{accountId, findingCode?, reason, owner, expires}]).',
      details: { field: 'exceptions' },
    });
  }
  return parsed.data.exceptions.map((entry, index) => ({
    id: `file:${path}#${index + 1}`,
    accountId: entry.accountId,
    findingCode: entry.findingCode ?? null,
    reason: entry.reason,
    owner: entry.owner,
    expiresAt: entry.expires,
    createdAt: null,
    createdBy: null,
    source: 'file' as const,
  }));
}

/** Drift between the report and the latest saved audit of its organization that started before it. */
export async function previousAuditDiff(store: Store, report: AuditReport): Promise<AuditDiff | undefined> {
  const recent = await store.listAudits({ organizationId: report.organizationId, limit: 20 });
  const previous = recent.find(
    (entry) => entry.auditId !== report.auditId && entry.startedAt < report.startedAt,
  );
  if (!previous) return undefined;
  const before = await store.getAudit(previous.auditId);
  return before ? diffAudits(before, report) : undefined;
}

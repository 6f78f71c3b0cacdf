import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { type NotificationConfig, NotificationConfigSchema } from '../domain/guard.js';
import { parseInput } from '../domain/parse-input.js';
import { CoreError } from '../errors.js';

/**
 * The `notifications` section of a JSON config file: the HTTP API's config file (`rootwarden-api
 * --config`) works as is, so one file configures the guard's channels for the API and the CLI. Other
 * sections are the API's business and are ignored here. Channel secrets are env var names, never values.
 */
const ConfigFileSchema = z.looseObject({ notifications: NotificationConfigSchema.optional() });

/** Reads the channels, threshold and retries for the CLI; INVALID_INPUT naming `field` and the fix. */
export async function readNotificationConfigFile(path: string, field: string): Promise<NotificationConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CoreError(
      'INVALID_INPUT',
      `${field}: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}).`,
      { fix: 'Give the path of a JSON config file with a "notifications" section.', details: { field } },
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CoreError(
      'INVALID_INPUT',
      `${field}: ${path} is not valid JSON (${(error as Error).message}).`,
      {
        fix: 'Fix the file: {"notifications": {"channels": [{"type": "webhook", "name": "ops", "url": "https://…", "secretEnv": "NAME"}]}}.',
        details: { field },
      },
    );
  }
  const parsed = parseInput(ConfigFileSchema, document, field);
  return parseInput(NotificationConfigSchema, parsed.notifications ?? {}, `${field}.notifications`);
}

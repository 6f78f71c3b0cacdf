#!/usr/bin/env node
// Regenerates the published JSON Schemas from core's zod schemas (run after changing them:
// `pnpm --filter @rootwarden/core schemas`). A test fails when the committed files are stale.
import { writeFileSync } from 'node:fs';
import { auditReportJsonSchema, exceptionsFileJsonSchema } from '../dist/index.js';

for (const [file, schema] of [
  ['audit-report.v1.json', auditReportJsonSchema()],
  ['exceptions.v1.json', exceptionsFileJsonSchema()],
]) {
  const target = new URL(`../schemas/${file}`, import.meta.url);
  writeFileSync(target, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${target.pathname}`);
}

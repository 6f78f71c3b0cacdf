#!/usr/bin/env node
// Regenerates the published JSON Schemas from core's zod schemas (run after changing them:
// `pnpm --filter @rootwarden/core schemas`). A test fails when the committed files are stale.
import { writeFileSync } from 'node:fs';
import { auditReportJsonSchema } from '../dist/index.js';

const target = new URL('../schemas/audit-report.v1.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(auditReportJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);

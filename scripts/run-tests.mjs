#!/usr/bin/env node
// The README's test command. Runs every package's vitest suite through turbo (each writes
// test-results.json), then prints the one summary line CI reads: `N passed, N failed, N skipped`.
// Exits non-zero when anything failed, when a package produced no results, or when nothing ran.
// `--packages=packages/rootwarden,apps/cli` runs only those packages (CI's smoke run); other
// arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const PACKAGES_OPTION = '--packages=';
const only = process.argv
  .slice(2)
  .filter((arg) => arg.startsWith(PACKAGES_OPTION))
  .flatMap((arg) => arg.slice(PACKAGES_OPTION.length).split(','))
  .map((dir) => dir.trim().replace(/\/$/, ''))
  .filter(Boolean);
const packageDirs = ['packages', 'apps']
  .flatMap((group) => {
    const dir = join(root, group);
    return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
  })
  .filter((dir) => only.length === 0 || only.includes(dir.slice(root.length)))
  .filter((dir) => {
    const manifest = join(dir, 'package.json');
    return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test;
  });

for (const dir of packageDirs) rmSync(join(dir, 'test-results.json'), { force: true });

const extra = process.argv.slice(2).filter((arg) => !arg.startsWith(PACKAGES_OPTION));
const turbo = spawnSync(
  'pnpm',
  [
    'exec',
    'turbo',
    'run',
    'test',
    '--continue',
    ...only.map((dir) => `--filter=./${dir}`),
    ...(extra.length ? ['--', ...extra] : []),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0', TURBO_TELEMETRY_DISABLED: '1' },
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const dir of packageDirs) {
  const file = join(dir, 'test-results.json');
  if (!existsSync(file)) {
    missing.push(dir.slice(root.length));
    continue;
  }
  const results = JSON.parse(readFileSync(file, 'utf8'));
  passed += results.numPassedTests ?? 0;
  failed += results.numFailedTests ?? 0;
  skipped += (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  // A suite that failed to load (syntax error, import failure) has no tests counted as failed.
  for (const suite of results.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1;
  }
}
// Checks run before the suites (`.ci/run`: lint, typecheck), as `name=pass|fail` words.
for (const check of (process.env.ROOTWARDEN_EXTRA_CHECKS ?? '').split(/\s+/).filter(Boolean)) {
  if (check.endsWith('=pass')) passed += 1;
  else {
    failed += 1;
    console.error(`check failed: ${check.replace(/=.*$/, '')}`);
  }
}
if (missing.length > 0) {
  console.error(`no test results from: ${missing.join(', ')} (their test run crashed or never started)`);
  failed += missing.length;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 || turbo.status !== 0 ? 1 : 0);

import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackedPackage, type ScopedRegistry, serveScopedRegistry } from './scoped-registry.js';

/**
 * What a user gets from `npm install -g rootwarden`: every publishable package packed with `pnpm pack`
 * (as `pnpm -r publish` would), installed with npm into a clean prefix (a real registry for everything
 * else; the @rootwarden scope from the packed tarballs), then the three binaries run from that prefix.
 */
const REPO = new URL('../../../', import.meta.url).pathname;
const PUBLISHED = [
  'packages/aws-sandbox',
  'packages/core',
  'apps/cli',
  'apps/api',
  'apps/mcp',
  'packages/rootwarden',
];
const INSPECTOR = '@modelcontextprotocol/inspector@2.12.0';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Async (the scoped registry answers from this process), with a generous timeout for loaded machines. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = work): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env, encoding: 'utf8', timeout: 1_440_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const work = mkdtempSync(join(tmpdir(), 'rootwarden-install-'));
const prefix = join(work, 'prefix');
const home = join(work, 'home');
/**
 * A user's environment: no AWS settings from the machine running the tests, history in a temp dir, and
 * no NODE_ENV=test from vitest (oclif would look for TypeScript sources then).
 */
const userEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) =>
      !name.startsWith('AWS_') &&
      !name.startsWith('ROOTWARDEN_') &&
      !name.startsWith('VITEST') &&
      name !== 'NODE_ENV',
  ),
);
Object.assign(userEnv, { ROOTWARDEN_HOME: home, NO_COLOR: '1' });
const bin = (name: string) => join(prefix, 'bin', name);

let registry: ScopedRegistry | undefined;
let install: Run;

/**
 * Users get better-sqlite3 as a prebuilt binary (prebuild-install downloads it from GitHub, which this
 * machine cannot reach, so npm would compile it: many minutes on a loaded CI machine). When the
 * workspace's own build of the same version loads in this Node, hand it to prebuild-install as the
 * "local prebuild" it looks for first, under the file name it would download; otherwise npm compiles.
 * https://github.com/prebuild/prebuild-install#local-prebuilds
 */
function localPrebuildEnv(dir: string): NodeJS.ProcessEnv {
  const requireFromCore = createRequire(join(REPO, 'packages/core/package.json'));
  try {
    const Database = requireFromCore('better-sqlite3') as new (path: string) => { close(): void };
    new Database(':memory:').close();
  } catch {
    return {};
  }
  const moduleDir = dirname(requireFromCore.resolve('better-sqlite3/package.json'));
  const { version } = JSON.parse(readFileSync(join(moduleDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  const libc = report.header?.glibcVersionRuntime ? '' : 'musl';
  const file = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}${libc}-${process.arch}.tar.gz`;
  const tar = spawnSync('tar', [
    '-czf',
    join(dir, file),
    '-C',
    moduleDir,
    'build/Release/better_sqlite3.node',
  ]);
  return tar.status === 0 ? { npm_config_better_sqlite3_local_prebuilds: dir } : {};
}

beforeAll(async () => {
  mkdirSync(home);
  const packs = join(work, 'packs');
  mkdirSync(packs);
  const packed: PackedPackage[] = [];
  for (const dir of PUBLISHED) {
    const before = new Set(readdirSync(packs));
    const pack = spawnSync('pnpm', ['pack', '--pack-destination', packs], {
      cwd: join(REPO, dir),
      encoding: 'utf8',
    });
    expect(pack.status, `pnpm pack in ${dir}: ${pack.stderr}`).toBe(0);
    const tarball = readdirSync(packs).find((file) => !before.has(file));
    if (!tarball) throw new Error(`pnpm pack in ${dir} wrote no tarball`);
    const manifest = spawnSync('tar', ['-xzOf', join(packs, tarball), 'package/package.json'], {
      encoding: 'utf8',
    });
    packed.push({ manifest: JSON.parse(manifest.stdout), tarball: join(packs, tarball) });
  }
  registry = await serveScopedRegistry(packed);
  const umbrella = packed.find((pkg) => pkg.manifest.name === 'rootwarden');
  if (!umbrella) throw new Error('the rootwarden package was not packed');
  const prebuilds = join(work, 'prebuilds');
  mkdirSync(prebuilds);
  install = await run(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      `--@rootwarden:registry=${registry.url}`,
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
      umbrella.tarball,
    ],
    { ...userEnv, ...localPrebuildEnv(prebuilds) },
  );
}, 1_500_000);

afterAll(async () => {
  await registry?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('npm install -g rootwarden (packed tarballs, clean prefix)', () => {
  it('installs the rootwarden package and its @rootwarden dependencies as published', () => {
    expect(install.code, install.stderr).toBe(0);
    expect([...(registry?.requested ?? [])].sort()).toEqual([
      '@rootwarden/api',
      '@rootwarden/aws-sandbox',
      '@rootwarden/cli',
      '@rootwarden/core',
      '@rootwarden/mcp',
    ]);
  });

  it('has one copy of zod (schemas from core and the API’s OpenAPI extension must share it)', () => {
    const copies: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const path = join(dir, entry.name);
        if (
          entry.name === 'zod' &&
          dir.endsWith('node_modules') &&
          statSync(join(path, 'package.json')).isFile()
        )
          copies.push(path);
        walk(path);
      }
    };
    walk(join(prefix, 'lib', 'node_modules', 'rootwarden'));
    expect(copies).toHaveLength(1);
  });

  it('rootwarden audit --sandbox blog prints the table and exits 3', async () => {
    const audit = await run(bin('rootwarden'), ['audit', '--sandbox', 'blog'], userEnv);
    expect(audit.code, audit.stderr).toBe(3);
    expect(audit.stdout).toContain('111111111111');
    expect(audit.stdout).toContain('ROOT_ACCESS_KEY_ACTIVE');
    // On a supported Node nothing else is printed (on Node 20 the AWS SDK warns that it is end-of-life).
    if (Number(process.versions.node.split('.')[0]) >= 22) expect(audit.stderr).not.toMatch(/warning|error/i);
    else expect(audit.stderr).not.toMatch(/error/i);
  });

  it('rootwarden-api --help prints its usage', async () => {
    const help = await run(bin('rootwarden-api'), ['--help'], userEnv);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout + help.stderr).toContain('--sandbox');
  });

  it('rootwarden-api --sandbox blog starts and answers /healthz', async () => {
    const server = spawn(bin('rootwarden-api'), ['--sandbox', 'blog', '--port', '0'], {
      env: userEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stderr = '';
        server.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
          if (match?.[1]) resolve(match[1]);
        });
        server.once('exit', (code) => reject(new Error(`rootwarden-api exited ${code}: ${stderr}`)));
      });
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  });

  it('rootwarden-mcp lists its tools to the MCP Inspector CLI', async () => {
    const list = await run(
      'npx',
      [
        '-y',
        INSPECTOR,
        '--cli',
        '-e',
        `ROOTWARDEN_HOME=${home}`,
        bin('rootwarden-mcp'),
        '--sandbox',
        'blog',
        '--method',
        'tools/list',
      ],
      userEnv,
    );
    expect(list.code, list.stderr).toBe(0);
    const names = (JSON.parse(list.stdout) as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
    expect(names).toContain('audit-root-credentials');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  type CallToolResult,
  type ClientCapabilities,
  ElicitRequestSchema,
  type ElicitResult,
  type JSONRPCMessage,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { createSandbox, type Sandbox, type SandboxOptions } from '@rootwarden/aws-sandbox';
import { createEngine, type Engine, type EngineOptions } from '@rootwarden/core';
import { expect } from 'vitest';
import { createServer, type ServerOptions } from '../src/server.js';

export const MCP_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MAIN = join(MCP_ROOT, 'dist', 'main.js');

export interface SandboxFixture {
  sandbox: Sandbox;
  url: string;
  /** An engine acting as the sandbox's management principal over real HTTP; history in `home` when given. */
  engine(options?: Partial<EngineOptions>): Engine;
  /** Every secret the sandbox issued so far (session keys and tokens, static secrets). */
  secrets(): string[];
  close(): Promise<void>;
}

/** A sandbox served on a loopback port, and engines pointed at it as a user would. */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxFixture> {
  const sandbox = createSandbox(options);
  const server = await sandbox.listen({ port: 0 });
  const engines: Engine[] = [];
  return {
    sandbox,
    url: server.url,
    engine(rest = {}) {
      const who = sandbox.managementPrincipal();
      const engine = createEngine({
        region: 'us-east-1',
        endpoint: server.url,
        credentials: { accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey },
        // Tests never write the user's history (~/.rootwarden).
        ...(rest.home === undefined && rest.store === undefined ? { store: false as const } : {}),
        ...rest,
      });
      engines.push(engine);
      return engine;
    },
    secrets: () => sandbox.admin.secrets().map((secret) => secret.value),
    async close() {
      await Promise.all(engines.map((engine) => engine.close()));
      await server.close();
    },
  };
}

export function temporaryHome(): { home: string; remove(): void } {
  const home = mkdtempSync(join(tmpdir(), 'rootwarden-mcp-'));
  return { home, remove: () => rmSync(home, { recursive: true, force: true }) };
}

export interface ConnectOptions extends Partial<ServerOptions> {
  engine: Engine;
  capabilities?: ClientCapabilities;
  /** Answers elicitation requests (the client then declares the elicitation capability). */
  elicit?: (message: string) => ElicitResult | Promise<ElicitResult>;
}

export interface Connected {
  client: Client;
  /** Every message the server sent the client (results, errors, notifications, requests), in order. */
  received: JSONRPCMessage[];
  close(): Promise<void>;
}

/** A real SDK Client linked in-process to a real rootwarden server. */
export async function connectInMemory(options: ConnectOptions): Promise<Connected> {
  const { capabilities, elicit, ...serverOptions } = options;
  const server = createServer(serverOptions);
  const client = new Client(
    { name: 'rootwarden-test', version: '0.0.0' },
    { capabilities: { ...capabilities, ...(elicit ? { elicitation: { form: {} } } : {}) } },
  );
  if (elicit) client.setRequestHandler(ElicitRequestSchema, (request) => elicit(request.params.message));
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const received: JSONRPCMessage[] = [];
  const send = serverTransport.send.bind(serverTransport);
  serverTransport.send = (message, sendOptions) => {
    received.push(message);
    return send(message, sendOptions);
  };
  await client.connect(clientTransport);
  return {
    client,
    received,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

/** The text of a tool result's first content block. */
export function textOf(result: CallToolResult | Awaited<ReturnType<Client['callTool']>>): string {
  const first = (result.content as CallToolResult['content'])[0];
  return first?.type === 'text' ? first.text : '';
}

/** The JSON-RPC error a request rejects with. */
export async function protocolError(promise: Promise<unknown>): Promise<McpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof McpError) return error;
    throw error;
  }
  throw new Error('expected a JSON-RPC error');
}

/** Replaces what changes from run to run (ids, times, ports). */
export function normalize(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g, '<time>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
}

/** The structured error of an `isError` tool result. */
export function errorOf(result: Awaited<ReturnType<Client['callTool']>>): {
  code: string;
  kind: string;
  message: string;
  fix?: string;
  field?: string;
  issues?: Array<{ field: string; message: string }>;
} {
  expect(result.isError).toBe(true);
  const body = (result._meta as Record<string, ReturnType<typeof errorOf>> | undefined)?.[
    'dev.rootwarden/error'
  ];
  if (!body) throw new Error(`no structured error in ${JSON.stringify(result)}`);
  return body;
}

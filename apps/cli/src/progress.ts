import type { EngineEvent } from '@rootwarden/core';
import cliProgress from 'cli-progress';

export interface Progress {
  onEvent(event: EngineEvent): void;
  stop(): void;
}

/**
 * A live progress bar on stderr, only when stderr is a terminal (never in pipes, files or CI logs).
 * The total grows while the inventory is still being listed.
 */
export function createAuditProgress(stream: NodeJS.WriteStream = process.stderr): Progress | undefined {
  if (!stream.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'Auditing |{bar}| {value}/{total} accounts · {listing} · concurrency {concurrency}{throttled}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let throttles = 0;
  const payload = { listing: 'listing accounts', concurrency: '-', throttled: '' };
  // Drawn from the first count on, at 0/N: before it, a bar of 0/0 would be drawn full.
  const start = (total: number) => {
    if (!started) bar.start(total, 0, payload);
    started = true;
  };
  const update = (change: Partial<typeof payload>) => {
    Object.assign(payload, change);
    if (started) bar.update(change);
  };
  return {
    onEvent(event) {
      switch (event.type) {
        case 'inventory-page':
          start(event.listed);
          bar.setTotal(event.listed);
          break;
        case 'inventory-done':
          start(event.total);
          bar.setTotal(event.total);
          update({ listing: `${event.total} listed` });
          break;
        case 'account-audited':
          start(event.total ?? event.done);
          bar.increment(1);
          break;
        case 'throttled':
          throttles += 1;
          update({ throttled: ` · throttled ×${throttles}`, concurrency: String(event.concurrency) });
          break;
        case 'concurrency-changed':
          update({ concurrency: String(event.concurrency) });
          break;
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

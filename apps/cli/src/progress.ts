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
  const start = () => {
    if (!started) bar.start(0, 0, payload);
    started = true;
  };
  return {
    onEvent(event) {
      start();
      switch (event.type) {
        case 'inventory-page':
          bar.setTotal(event.listed);
          break;
        case 'inventory-done':
          bar.setTotal(event.total);
          bar.update({ listing: `${event.total} listed` });
          break;
        case 'account-audited':
          bar.increment(1);
          break;
        case 'throttled':
          throttles += 1;
          bar.update({ throttled: ` · throttled ×${throttles}`, concurrency: String(event.concurrency) });
          break;
        case 'concurrency-changed':
          bar.update({ concurrency: String(event.concurrency) });
          break;
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

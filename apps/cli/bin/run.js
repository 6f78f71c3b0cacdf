#!/usr/bin/env node
import { tuneHeapForSmallFootprint } from '@rootwarden/core/heap-tuning';

// A capped young generation and a slowly growing old one (README, "Performance"), set before oclif
// and the commands load.
tuneHeapForSmallFootprint();
const { execute } = await import('@oclif/core');

await execute({ dir: import.meta.url });

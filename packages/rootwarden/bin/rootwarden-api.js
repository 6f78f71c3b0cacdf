#!/usr/bin/env node
// One install, three binaries: each is its package's own binary.
await import('@rootwarden/api/bin');

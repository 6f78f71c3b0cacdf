import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** This package's version (the OpenAPI document's `info.version`, SARIF's tool version). */
export const API_VERSION: string = (require('../package.json') as { version: string }).version;

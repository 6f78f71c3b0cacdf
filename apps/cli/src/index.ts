// The CLI is run through its bin (oclif finds the commands in dist/commands); this entry exposes what
// other packages check it against: its exit codes.
export { EXIT, exitCodeFor } from './exit-codes.js';

/** How long a write waits for another process's write lock before STORE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

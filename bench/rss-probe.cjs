// Loaded with --require into the benchmarked rootwarden process: writes its peak resident set size
// (kilobytes, from getrusage) to ROOTWARDEN_BENCH_RSS_FILE when it exits.
process.on('exit', () => {
  const file = process.env.ROOTWARDEN_BENCH_RSS_FILE;
  if (file) require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS));
});

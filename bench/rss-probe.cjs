// Loaded with --require into the benchmarked rootwarden process: writes its peak resident set size
// (kilobytes, from getrusage) and its CPU time (user + system, seconds) to ROOTWARDEN_BENCH_RSS_FILE
// when it exits.
process.on('exit', () => {
  const file = process.env.ROOTWARDEN_BENCH_RSS_FILE;
  if (!file) return;
  const usage = process.resourceUsage();
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  require('node:fs').writeFileSync(file, `${usage.maxRSS} ${cpuSeconds}`);
});

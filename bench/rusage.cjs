// Preloaded (node -r) into a measured process: writes its CPU time and peak RSS to the file
// named by BENCH_RUSAGE when it exits.
process.on('exit', () => {
  const u = process.resourceUsage();
  require('node:fs').writeFileSync(process.env.BENCH_RUSAGE, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRSSKiB: u.maxRSS }));
});

// Floor for cold start: a bare node process that only copies stdin to stdout.
process.stdin.pipe(process.stdout);

/** A one-line progress bar on stderr, only when stderr is a terminal (CI logs stay clean). */
export function progressBar(): (step: string, done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => undefined;
  return (step, done, total) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    process.stderr.write(`\r${step.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

/** Prints rows as an aligned text table. */
export function printTable(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

/** Progress for copy-like commands: the bar on a terminal, or plain lines when `force` is set (logs, tests). */
export function progressReporter(force: boolean): (p: { table: string; done: number; total: number }) => void {
  if (force && !process.stderr.isTTY) return (p) => process.stderr.write(`${p.table} ${p.done}/${p.total}\n`);
  const bar = progressBar();
  return (p) => bar(p.table, p.done, p.total);
}

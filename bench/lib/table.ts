/** The one table of `npm run bench`, as Markdown (readable in a terminal, pasteable into the README). */
import type { Row } from './types';

const HEADERS = ['figure', 'measured', 'baseline (same run)', 'ratio / result', 'target', 'runs', 'pass/miss'];

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderTable(rows: readonly Row[]): string {
  const lines: string[][] = rows.map((r, i) => [
    r.note ? `${r.figure} [${noteNumber(rows, i)}]` : r.figure,
    r.measured,
    r.baseline,
    r.result,
    r.target,
    r.runs,
    r.pass === undefined ? 'info' : r.pass ? 'pass' : '**miss**',
  ]);
  const widths = HEADERS.map((h, c) => Math.max(h.length, ...lines.map((l) => escapeCell(l[c]).length)));
  const fmt = (cells: string[]): string =>
    `| ${cells.map((cell, c) => escapeCell(cell).padEnd(widths[c])).join(' | ')} |`;
  const out = [fmt(HEADERS), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)];
  const notes = rows.filter((r) => r.note).map((r, i) => `[${i + 1}] ${r.note}`);
  if (notes.length > 0) out.push('', ...notes);
  return out.join('\n');
}

function noteNumber(rows: readonly Row[], index: number): number {
  let n = 0;
  for (let i = 0; i <= index; i++) if (rows[i].note) n++;
  return n;
}

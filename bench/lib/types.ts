/** What every figure module of the benchmark returns: rows of the one table `npm run bench` prints. */

export interface Row {
  /** What is measured, as in the table of docs/performance.md. */
  figure: string;
  /** The library's figure (median unless the note says otherwise). */
  measured: string;
  /** The baseline measured in the same run ('-' when the figure has none). */
  baseline: string;
  /** The ratio or the result compared with the target. */
  result: string;
  target: string;
  /** true: target met; false: missed; undefined: informational row. */
  pass: boolean | undefined;
  /** How many runs the medians are of, e.g. '5+5' (library + baseline), '1' (deterministic). */
  runs: string;
  /** A footnote printed under the table: how it was measured, why it misses. */
  note?: string;
}

export interface BenchContext {
  /** Runs per variant for the quick figures (default 5); the 1 GB figures use `bigRuns`. */
  runs: number;
  /** Runs per variant for the 1 GB figures (default 3). */
  bigRuns: number;
  /** Progress messages (stderr, so that stdout is the report). */
  log(message: string): void;
}

export interface Figure {
  /** For `--only <name>`. */
  name: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

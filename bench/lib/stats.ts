/** Medians and number formatting for the benchmark table. */

export const KB = 1024;
export const MB = 1024 * 1024;
export const GB = 1024 * MB;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/** "1.23 MB", "512 KB", "4.1 GB" (binary units). */
export function bytes(n: number, digits = 1): string {
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  if (a >= GB) return `${sign}${(a / GB).toFixed(digits)} GB`;
  if (a >= MB) return `${sign}${(a / MB).toFixed(digits)} MB`;
  if (a >= KB) return `${sign}${(a / KB).toFixed(digits)} KB`;
  return `${sign}${a} B`;
}

/** Throughput in MB/s (binary MB) of `size` bytes in `ms`. */
export function mbps(size: number, ms: number): number {
  return size / MB / (ms / 1000);
}

export function ms(value: number): string {
  if (value < 1) return `${value.toFixed(3)} ms`;
  if (value < 100) return `${value.toFixed(1)} ms`;
  return `${Math.round(value)} ms`;
}

export function ratio(value: number): string {
  return value.toFixed(3);
}

/** 12345678 -> "12.3 M", 45678 -> "45.7 k". */
export function opsPerSecond(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)} M op/s`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k op/s`;
  return `${value.toFixed(0)} op/s`;
}

/** The order of the two variants in round i: A B, B A, A B, ... so that drift within a round cancels. */
export function abOrder<T extends string>(i: number, a: T, b: T): [T, T] {
  return i % 2 === 0 ? [a, b] : [b, a];
}

export function sleep(msToWait: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, msToWait));
}

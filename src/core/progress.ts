/**
 * Turns whatever a platform reports (bytes sent of a total, at any rate, in any order) into the progress
 * events every target shows:
 * - one event each time the integer percent rises, so a 1 GB file gives at most ~100 events and a
 *   bridge carries a bounded number of messages;
 * - never decreasing (a retry that starts again from zero stays silent until it passes the old figure);
 * - 100 is held back until the outcome is a success: it then comes last, with sent == expected.
 */
import type { ProgressUpdate } from './types';

export class ProgressReducer {
  private lastPercent = -1;
  private total = 0;

  /** The event to dispatch for this report, or undefined when it adds nothing. */
  report(sent: number, total: number): ProgressUpdate | undefined {
    if (!(total > 0) || !(sent >= 0)) return undefined;
    this.total = total;
    if (sent >= total) return undefined;
    const percent = Math.floor((sent * 100) / total);
    if (percent <= this.lastPercent) return undefined;
    this.lastPercent = percent;
    return { progress: percent, totalBytesSent: sent, totalBytesExpectedToSend: total };
  }

  /** The last event of a successful upload. */
  final(total: number): ProgressUpdate {
    const size = total >= 0 ? total : this.total;
    this.lastPercent = 100;
    return { progress: 100, totalBytesSent: size, totalBytesExpectedToSend: size };
  }
}

/**
 * At most `limit` uploads run at once; the rest wait in call order. A waiting job can be withdrawn.
 * Starting a job never recurses into the scheduler: a job that ends while being started (a bad path,
 * say) frees its slot for the loop, not for a nested call.
 */
export interface Job {
  run(): void;
}

export const DEFAULT_MAX_CONCURRENT = 10;

export class Scheduler {
  private running = 0;
  private readonly waiting = new Set<Job>();
  private pumping = false;

  constructor(private limit: number = DEFAULT_MAX_CONCURRENT) {}

  setLimit(limit: number): void {
    this.limit = limit;
    this.pump();
  }

  get stats(): { running: number; waiting: number; limit: number } {
    return { running: this.running, waiting: this.waiting.size, limit: this.limit };
  }

  submit(job: Job): void {
    this.waiting.add(job);
    this.pump();
  }

  /** Withdraws a job that has not started; true when it was waiting. */
  withdraw(job: Job): boolean {
    return this.waiting.delete(job);
  }

  /** A started job has ended. */
  release(): void {
    if (this.running > 0) this.running--;
    this.pump();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.running < this.limit && this.waiting.size > 0) {
        const job = this.waiting.values().next().value as Job;
        this.waiting.delete(job);
        this.running++;
        job.run();
      }
    } finally {
      this.pumping = false;
    }
  }
}

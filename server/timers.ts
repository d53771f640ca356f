/** Timers of one server, so that closing it leaves nothing scheduled. */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  /** Runs fn after ms; returns a cancel function. */
  after(ms: number, fn: () => void): () => void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      fn();
    }, ms);
    this.pending.add(timer);
    return () => {
      clearTimeout(timer);
      this.pending.delete(timer);
    };
  }

  /** Resolves after ms; never settles when the timers are cleared first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.after(ms, resolve);
    });
  }

  clearAll(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}

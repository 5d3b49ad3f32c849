/**
 * Procedures still running. A client that hangs up does not stop its handler, so shutdown waits
 * for these (not only for open sockets) before closing the database: an execution that already
 * ran at Composio still gets its audit row.
 */
export class InFlight {
  private running = 0;
  private waiters: Array<() => void> = [];

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      if (this.running === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  get count(): number {
    return this.running;
  }

  /** Resolves once nothing runs, or after `timeoutMs`; says whether it drained. */
  async drained(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      new Promise<true>((resolve) => this.waiters.push(() => resolve(true))),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return done;
  }
}

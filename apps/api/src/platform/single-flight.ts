/**
 * Concurrent calls for the same key share one run of the work; a call after it settled starts
 * the work again. For fetches many requests would otherwise repeat at the same moment.
 */
export class SingleFlight<V> {
  private readonly running = new Map<string, Promise<V>>();

  run(key: string, work: () => Promise<V>): Promise<V> {
    const current = this.running.get(key);
    if (current) return current;
    const started = work().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }
}

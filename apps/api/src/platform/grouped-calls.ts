export interface GroupedCallsOptions<I, O> {
  /** Calls in one batch at most. */
  maxBatch?: number;
  /** Batches in flight at once; further calls wait and go together in the next one. */
  maxConcurrent?: number;
  /**
   * When a batch of several fails, each of its calls is retried alone with this, so one bad
   * input fails only its own caller. Without it every call of the batch gets the batch's error.
   */
  retryAlone?: (input: I) => Promise<O>;
}

interface Waiting<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Calls to the database made in the same turn of the event loop, or while earlier ones are in
 * flight, go out together as one statement: the way databases commit groups of transactions.
 * Each caller still gets its own answer from a statement sent after its call, so nothing is
 * served from a cache; under load many calls share one round trip (one write to the socket, one
 * parse, plan and snapshot on the server) instead of paying for their own.
 */
export class GroupedCalls<I, O> {
  private readonly waiting: Waiting<I, O>[] = [];
  private readonly maxBatch: number;
  private readonly maxConcurrent: number;
  private running = 0;
  private scheduled = false;

  /** `runBatch` answers its inputs in order: one output per input. */
  constructor(
    private readonly runBatch: (inputs: I[]) => Promise<O[]>,
    private readonly options: GroupedCallsOptions<I, O> = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.maxConcurrent = options.maxConcurrent ?? 2;
  }

  call(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.running >= this.maxConcurrent) return;
    this.scheduled = true;
    // After this turn's I/O callbacks: calls of requests read together join one batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.waiting.length > 0 && this.running < this.maxConcurrent) {
        void this.run(this.waiting.splice(0, this.maxBatch));
      }
    });
  }

  private async run(batch: Waiting<I, O>[]) {
    this.running++;
    try {
      const outputs = await this.runBatch(batch.map((waiting) => waiting.input));
      if (outputs.length !== batch.length) {
        throw new Error(`a batch of ${batch.length} calls got ${outputs.length} answers`);
      }
      for (const [index, waiting] of batch.entries()) waiting.resolve(outputs[index] as O);
    } catch (error) {
      const { retryAlone } = this.options;
      if (batch.length === 1 || !retryAlone) {
        for (const waiting of batch) waiting.reject(error);
      } else {
        await Promise.all(
          batch.map((waiting) => retryAlone(waiting.input).then(waiting.resolve, waiting.reject)),
        );
      }
    } finally {
      this.running--;
      if (this.waiting.length > 0) this.schedule();
    }
  }
}

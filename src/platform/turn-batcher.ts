/**
 * Serves the calls made in one turn of the event loop with one call of `run` over all their inputs, like
 * DataLoader: e.g. the send jobs a queue claim started together mark their messages `sending` in one
 * UPDATE instead of one each. `run` gets the inputs in call order (at most `max` of them; more form the
 * next batch; so do calls made while a batch runs) and returns one output per input, in the same order. If `run` throws, every call of that
 * batch rejects with the error, so use it only where a caller would handle that error the same way as a
 * failure of its own.
 */
export class TurnBatcher<I, O> {
  private pending: { input: I; resolve: (o: O) => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;
  private running = false;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly max = 256,
  ) {}

  /** Resolves with this input's output once its batch has run. */
  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // After the current turn's callbacks and their promises: the calls they make join this batch.
      setImmediate(() => {
        this.scheduled = false;
        // A batch still running takes the newcomers as its next one when it is done.
        if (!this.running) void this.flush();
      });
    });
  }

  private async flush(): Promise<void> {
    this.running = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.max);
      let outputs: O[];
      try {
        outputs = await this.run(batch.map((b) => b.input));
        if (outputs.length !== batch.length)
          throw new Error(`batch returned ${outputs.length} results for ${batch.length} inputs`);
      } catch (err) {
        for (const b of batch) b.reject(err);
        continue;
      }
      for (const [i, b] of batch.entries()) b.resolve(outputs[i] as O);
    }
    this.running = false;
  }
}

package sluice.nexmark;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;

/** Nexmark's blackhole sink, counting outputs and summing a per-row fingerprint (see Queries.check). */
final class CountingSink<T> extends RichSinkFunction<T> {
  interface Check<T> extends java.io.Serializable {
    long of(T value);
  }

  /** Fingerprints are summed modulo 2^50 per subtask and once more at the end, as in sluiceRun.ts. */
  static final long MOD = 1L << 50;

  private final Check<T> check;
  private long sum;
  private final LongCounter outputs = new LongCounter();
  private final LongCounter checksum = new LongCounter();

  CountingSink(Check<T> check) {
    this.check = check;
  }

  @Override
  public void open(Configuration parameters) {
    getRuntimeContext().addAccumulator("outputs", outputs);
    getRuntimeContext().addAccumulator("checksum", checksum);
  }

  @Override
  public void invoke(T value, Context context) {
    outputs.add(1);
    sum = (sum + check.of(value)) % MOD;
  }

  @Override
  public void close() {
    checksum.add(sum);
  }
}

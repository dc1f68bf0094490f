package sluice.nexmark;

import java.io.Serializable;
import org.apache.flink.streaming.api.functions.source.RichParallelSourceFunction;
import sluice.nexmark.Model.Event;

/**
 * The Nexmark events, split like Sluice's source: subtask s of p emits event numbers s, s+p, ... in
 * order. (Flink's FLIP-27 number-sequence sources split into contiguous ranges, which would put one
 * subtask's events far ahead in event time; striding keeps both engines' inputs the same.)
 * The DataStream queries read events as they are; Flink SQL reads them as RowData (EventRows), made
 * inside the source as Nexmark's own table source does.
 */
final class NexmarkSource<T> extends RichParallelSourceFunction<T> {
  interface Convert<T> extends Serializable {
    T of(Event e);
  }

  private final long count;
  private final double eventsPerSecond;
  private final Convert<T> convert;
  /** Subtask 0 samples the live heap (Measure.sampleHeap) when it reaches this event number; -1: never. */
  private final long sampleHeapAt;
  private volatile boolean running = true;

  NexmarkSource(long count, double eventsPerSecond, Convert<T> convert, long sampleHeapAt) {
    this.count = count;
    this.eventsPerSecond = eventsPerSecond;
    this.convert = convert;
    this.sampleHeapAt = sampleHeapAt;
  }

  @Override
  public void run(SourceContext<T> ctx) {
    int p = getRuntimeContext().getNumberOfParallelSubtasks();
    NexmarkGenerator generator = new NexmarkGenerator(NexmarkBench.SEED, eventsPerSecond, NexmarkBench.BASE_TIME);
    long n = getRuntimeContext().getIndexOfThisSubtask();
    boolean sample = sampleHeapAt >= 0 && n == 0;
    while (running && n < count) {
      // Emit in small runs under the checkpoint lock, as Flink's own generators do.
      synchronized (ctx.getCheckpointLock()) {
        for (int i = 0; i < 1024 && n < count; i++, n += p) ctx.collect(convert.of(generator.event(n)));
      }
      if (sample && n >= sampleHeapAt) {
        Measure.sampleHeap();
        sample = false;
      }
    }
  }

  @Override
  public void cancel() {
    running = false;
  }
}

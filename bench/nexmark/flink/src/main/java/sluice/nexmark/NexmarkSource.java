package sluice.nexmark;

import org.apache.flink.streaming.api.functions.source.RichParallelSourceFunction;
import sluice.nexmark.Model.Event;

/**
 * The Nexmark events, split like Sluice's source: subtask s of p emits event numbers s, s+p, ... in
 * order. (Flink's FLIP-27 number-sequence sources split into contiguous ranges, which would put one
 * subtask's events far ahead in event time; striding keeps both engines' inputs the same.)
 */
final class NexmarkSource extends RichParallelSourceFunction<Event> {
  private final long count;
  private final double eventsPerSecond;
  private volatile boolean running = true;

  NexmarkSource(long count, double eventsPerSecond) {
    this.count = count;
    this.eventsPerSecond = eventsPerSecond;
  }

  @Override
  public void run(SourceContext<Event> ctx) {
    int p = getRuntimeContext().getNumberOfParallelSubtasks();
    NexmarkGenerator generator = new NexmarkGenerator(NexmarkBench.SEED, eventsPerSecond, NexmarkBench.BASE_TIME);
    long n = getRuntimeContext().getIndexOfThisSubtask();
    while (running && n < count) {
      // Emit in small runs under the checkpoint lock, as Flink's own generators do.
      synchronized (ctx.getCheckpointLock()) {
        for (int i = 0; i < 1024 && n < count; i++, n += p) ctx.collect(generator.event(n));
      }
    }
  }

  @Override
  public void cancel() {
    running = false;
  }
}

package sluice.nexmark;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How every run is timed, the same way as bench/marginal.ts (sluiceRun.ts): in one JVM, `warmupJobs`
 * warm-up jobs sharing `warmup` events (untimed; the live heap is sampled half-way through the second to
 * last, so one more warm-up job runs after its full GC, as marginal.ts does for V8's sake),
 * then a job of `small` events and one of `events` events. The reported rate is the marginal one,
 * (events - small) / (t(events) - t(small)), for wall time and for process CPU time alike, so job
 * deployment, planning and the final flush, which both jobs pay once, drop out. Several warm-up jobs,
 * because the JIT keeps compiling for a few jobs after the first: a small job still paying for that
 * makes the marginal rate too high. Each warm-up job's CPU ns/event is printed, to see when it settled.
 */
final class Measure {
  private Measure() {}

  /** One job of `count` events; returns {outputs, checksum} (or {-1, 0} where the job has no counting sink). */
  interface Job {
    long[] run(long count, long sampleHeapAt) throws Exception;
  }

  private static volatile double heapAfterGcMB = Double.NaN;

  /** A full GC, then the heap in use: what the job's state and buffers hold at that moment. */
  static void sampleHeap() {
    System.gc();
    heapAfterGcMB = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
  }

  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Runs the three jobs and prints one JSON line (the shape sluiceRun.ts prints). */
  static void measure(String engine, String query, int parallelism, long warmup, int warmupJobs, long small, long events, Job job) throws Exception {
    StringBuilder warmupNs = new StringBuilder();
    for (int i = 0; i < warmupJobs; i++) {
      // The warm-up events split evenly; the last job takes the remainder, the second to last the heap sample.
      long count = i == warmupJobs - 1 ? warmup - (warmup / warmupJobs) * i : warmup / warmupJobs;
      long c = cpuNanos();
      job.run(count, i == Math.max(0, warmupJobs - 2) ? count / 2 : -1);
      warmupNs.append(i == 0 ? "" : ",").append(count == 0 ? "null" : String.format("%.1f", (double) (cpuNanos() - c) / count));
    }
    long w0 = System.nanoTime(), c0 = cpuNanos();
    job.run(small, -1);
    long w1 = System.nanoTime(), c1 = cpuNanos();
    long[] out = job.run(events, -1);
    long w2 = System.nanoTime(), c2 = cpuNanos();
    double wallSmall = (w1 - w0) / 1e9, wallBig = (w2 - w1) / 1e9;
    double cpuSmall = (c1 - c0) / 1e9, cpuBig = (c2 - c1) / 1e9;
    double seconds = wallBig - wallSmall, cpuSeconds = cpuBig - cpuSmall;
    long marginal = events - small;
    System.out.printf(
        "{\"engine\":\"%s\",\"query\":\"%s\",\"parallelism\":%d,\"events\":%d,\"small\":%d,\"warmup\":%d,\"warmupJobs\":%d,\"warmupCpuNsPerEvent\":[%s],\"smallCpuNsPerEvent\":%s,"
            + "\"wallSmall\":%.4f,\"wallBig\":%.4f,\"cpuSmall\":%.4f,\"cpuBig\":%.4f,\"seconds\":%.4f,\"cpuSeconds\":%.4f,"
            + "\"eventsPerSecond\":%.0f,\"eventsPerCpuSecond\":%.0f,\"outputs\":%d,\"checksum\":%d,\"heapAfterGcMB\":%s,\"heapLimitMB\":%d,\"peakRssMB\":%.1f}%n",
        engine, query, parallelism, events, small, warmup, warmupJobs, warmupNs, small == 0 ? "null" : String.format("%.1f", cpuSmall * 1e9 / small), wallSmall, wallBig, cpuSmall, cpuBig, seconds, cpuSeconds,
        marginal / seconds, marginal / cpuSeconds, out[0], out[1], Double.isNaN(heapAfterGcMB) ? "null" : String.format("%.1f", heapAfterGcMB), Runtime.getRuntime().maxMemory() / 1048576, peakRssMB());
  }

  /** VmHWM of this process (Linux): the peak resident set, comparable with Node's maxRSS. */
  static double peakRssMB() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
    }
    return Double.NaN;
  }
}

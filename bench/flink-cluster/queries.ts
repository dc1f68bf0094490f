/**
 * The SQL both sides of bench/flink-cluster run, word for word: a Nexmark-shaped `bid` table from
 * Flink's `datagen` connector (the nexmark connector is not on Maven Central for Flink 2.x, so the
 * cluster cannot run nexmark's own ddl_gen.sql), and two of nexmark's query shapes into blackhole:
 * q1 (a projection with arithmetic, stateless) and q5's inner part (bids per auction per tumbling
 * window, keyed state and timers).
 */
export const QUERIES = {
  q1: "INSERT INTO out_q1 SELECT auction, bidder, 0.908 * price AS price, ts FROM bid",
  q5: "INSERT INTO out_q5 SELECT auction, COUNT(*) AS num, window_start FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end",
} as const;

export type QueryName = keyof typeof QUERIES;

/** The DDL of one run: `rows` events, generated as fast as the engine takes them. */
export function ddl(rows: number): string[] {
  return [
    `CREATE TEMPORARY TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '4' SECOND) WITH (
      'connector' = 'datagen', 'number-of-rows' = '${rows}', 'rows-per-second' = '1000000000',
      'fields.auction.min' = '1000', 'fields.auction.max' = '1999', 'fields.bidder.min' = '1', 'fields.bidder.max' = '100000',
      'fields.price.min' = '1', 'fields.price.max' = '10000000')`,
    "CREATE TEMPORARY TABLE out_q1 (auction BIGINT, bidder BIGINT, price DECIMAL(23, 3), ts TIMESTAMP(3)) WITH ('connector' = 'blackhole')",
    "CREATE TEMPORARY TABLE out_q5 (auction BIGINT, num BIGINT, window_start TIMESTAMP(3)) WITH ('connector' = 'blackhole')",
  ];
}

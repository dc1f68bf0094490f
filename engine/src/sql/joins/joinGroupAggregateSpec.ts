import type { Collector } from "../../api/functions.js";
import type { NormalizedKey } from "../../graph/keys.js";
import type { GroupAcc, GroupAggCall } from "../aggregates/groupAccumulator.js";
import type { Change } from "../changelog.js";
import type { Row } from "../connectors.js";
import type { MiniBatchConfig } from "../minibatch/miniBatchOptions.js";
import type { FlatJoin } from "./compactRows.js";
import type { JoinKey } from "./joinKey.js";

/* The fused Join + GROUP BY's (joinGroupAggregate.ts) spec as the planner gives it, and its groups held as objects. */

/** The GROUP BY over the join, as groupAggregate.ts's groupAggregateCore gives it (append-only input, no DISTINCT). */
export interface FusedAggregate {
  aggs: readonly GroupAggCall[];
  /** A joined row's group key columns, and its group key. */
  keyOf: (r: Row) => Row;
  rowKey: (r: Row) => unknown;
  /** Each group column's index in the joined row (undefined: an expression). */
  groupColumns: readonly (number | undefined)[];
  /** Emits a group's change from `before` (undefined: a new group) to `acc`, as the GroupAggregate operator does. */
  settle: (state: { update(acc: GroupAcc): void; clear(): void }, values: readonly undefined[], before: GroupAcc | undefined, acc: GroupAcc, out: Collector<Change>) => void;
}

export interface JoinAggregateSpec {
  flat: FlatJoin;
  /** Each input's join key. */
  keys: readonly [(r: Row) => JoinKey, (r: Row) => JoinKey];
  /** What stays of WHERE over the joined row (its other conjuncts went into the sides or ON). */
  where: ((r: Row) => boolean) | undefined;
  aggregate: FusedAggregate;
  miniBatch: MiniBatchConfig | undefined;
}

/** A slot's groups held as objects: its first when that does not fit the typed arrays (typedGroups.ts), any after the first. */
export interface ObjectGroups {
  firstKey: NormalizedKey;
  first: Group | undefined;
  others: Map<NormalizedKey, Group> | undefined;
}

/**
 * A group's accumulator, updated in place (CheckpointCoordinator copies what a snapshot holds), and once a batch touches it, its values
 * before the batch in `before` (an array the group reuses; `isNew`: the group had none).
 */
export interface Group {
  acc: GroupAcc;
  before: GroupAcc | undefined;
  isNew: boolean;
  touched: boolean;
  /** The timestamp of the last row that touched it, which its change carries. */
  timestamp: number;
}

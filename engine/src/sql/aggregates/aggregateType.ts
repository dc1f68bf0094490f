import type { SqlType } from "../types.js";

/**
 * An aggregate call's result type as Flink's: COUNT is BIGINT NOT NULL (0 for no rows, never NULL);
 * SUM, MIN, MAX and AVG take their argument's type and precision (TIMESTAMP(3) stays (3)) and are
 * nullable (NULL over no non-NULL value). Time attributes are not kept: an aggregate is a plain value.
 */
export function aggregateResultType(name: string, argType: SqlType): SqlType {
  if (name === "COUNT") return { name: "BIGINT", nullable: false };
  return { name: argType.name, ...(argType.params ? { params: argType.params } : {}) };
}

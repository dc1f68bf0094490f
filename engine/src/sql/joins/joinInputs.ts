import type { DataStream } from "../../api/DataStream.js";
import type { Change } from "../changelog.js";
import type { Row } from "../connectors.js";
import type { Relation } from "../planner.js";

/** A join input as a changelog: an updating one as it is, an append-only one as inserts. */
export function asChanges(p: Relation): DataStream<Change> {
  return p.changes ?? (p.stream as DataStream<Row>).map((row): Change => ({ kind: "+I", row })).name("as changelog");
}

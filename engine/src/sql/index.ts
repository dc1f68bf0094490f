/** Streaming SQL in Flink's dialect on the embedded engine (README: "Streaming SQL"). */
export { SqlSession, formatTable, type StatementResult, type SqlSessionOptions, type ExecuteSqlOptions } from "./SqlSession.js";
export { SqlRestoreError } from "./restore/sqlRestore.js";
export { StreamSqlError, type SqlPosition } from "./errors.js";
export { parseScript, type ParsedStatement } from "./parser.js";
export type { Column } from "./catalog.js";
export { display as displayValue } from "./connectors.js";
export { foldChangelog, ChangelogTable, type Change, type RowKind } from "./changelog.js";
export { ChangelogTableView } from "./views/changelogView.js";
export { changelogSinkFor } from "./connectors/changelogInto.js";
export { StreamTableEnvironment, Table, Schema, SchemaBuilder, Row, defaultSqlSession } from "./interop/index.js";
export { singleBundle } from "./views/single.js";
export type { ResultViewMode, ResultViewOptions, RenderRows, ResultView } from "./views/resultView.js";
export { registerFunctionClass, type ScalarFunction, type ScalarFunctionDefinition } from "./functions/userFunctions.js";

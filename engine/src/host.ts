/**
 * Sluice engine: the interface for a host, the program that shows jobs to a person (the notebook
 * kernel). Imported as "sluice/host"; the index that cells see does not re-export it, so a cell
 * cannot replace or detach the kernel's host. The engine is loaded once per process (the kernel's
 * import and a cell's are the same module instance, see README "One engine per kernel"), so this
 * state is plain module state, not a global.
 */
export { attachHost, type EngineHost, type HostAttachment } from "./live/liveHost.js";
export { isLiveView } from "./live/LiveView.js";
/** How the engine's charts encode a field (24-hour UTC time axes): hosts drawing their own charts match them. */
export { encodingFor } from "./charts/encoding.js";
/** The job graph as a picture (what `EXPLAIN` and `env.explain()` draw): hosts draw running jobs with it. */
export { graphSvg, type GraphNode } from "./graph/graphSvg.js";
/** A watermark as the engine's job tables write it (`none yet`, `end`, an ISO time): hosts' own job displays match them. */
export { watermarkText } from "./runtime/jobTables.js";
/** A changelog computed elsewhere (a Flink job's result) into a table of a SQL session's catalog, and the SQL parser hosts check statements with. */
export { changelogSinkFor, parseScript } from "./sql/index.js";

import { createRequire } from "node:module";
import { PROTOCOL_VERSION } from "../wire/messages.js";
import type { Handler } from "../session/services.js";
import type { KernelInfoReply } from "../wire/protocol.js";
import { tslabTypeScript } from "../execute/tslabTypeScript.js";

const require = createRequire(import.meta.url);
const pkg = require("../../../../package.json") as { version: string };
/** The TypeScript that type-checks and compiles cells: tslab's own copy, not the project's (see tslabTypeScript.ts). */
const tsVersion = tslabTypeScript().version;

export const kernelInfoContent: KernelInfoReply = {
  status: "ok",
  protocol_version: PROTOCOL_VERSION,
  implementation: "sluice",
  implementation_version: pkg.version,
  language_info: {
    name: "typescript",
    version: tsVersion,
    mimetype: "text/typescript",
    file_extension: ".ts",
    // JupyterLab 4 looks a mode up by name in its EditorLanguageRegistry ({name: "javascript"} is
    // JavaScript whatever else the object says); "typescript" is its TypeScript language.
    codemirror_mode: "typescript",
    pygments_lexer: "typescript",
    nbconvert_exporter: "script",
  },
  banner: `Sluice ${pkg.version}: TypeScript ${tsVersion} on Node.js ${process.version}, with a streaming engine`,
  debugger: false,
  help_links: [
    { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
    { text: "Node.js API", url: "https://nodejs.org/docs/latest-v20.x/api/" },
    { text: "Vega-Lite", url: "https://vega.github.io/vega-lite/docs/" },
    { text: "DuckDB SQL", url: "https://duckdb.org/docs/sql/introduction" },
  ],
};

export const kernel_info_request: Handler<"kernel_info_request"> = async () => ({ content: kernelInfoContent });

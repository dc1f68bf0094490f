/**
 * `%flink connect URL [--rest URL] [--header 'Name: value']…`: `%%ssql` cells of this kernel then
 * run on that Flink cluster (`--target local` keeps a cell local); `%flink` says where they go;
 * `%flink disconnect` closes the gateway session (DDL made there is gone) and makes cells local.
 * https URLs work as they are; a managed service's token goes in a header.
 * `%flink target local|flink|{name}`: where `%%ssql` cells without `--target` run, `{name}` (or
 * `$name`) being a notebook variable — a report parameter, so `sluice report -p target=flink`
 * re-runs a notebook developed locally on the cluster (the gateway from SLUICE_FLINK_GATEWAY or an
 * earlier `%flink connect`).
 */
import type { CellOutcome } from "../execute/cellRunner.js";
import { DISPLAY } from "../display/mimeBundle.js";
import { MagicUsageError, type MagicHandler } from "../magics/magic.js";
import { splitWords } from "../magics/jobsMagic.js";
import { connectFlink, defaultTarget, disconnectFlink, flinkConnection, setDefaultTarget, type FlinkTargetConfig } from "./flinkConnection.js";

const USAGE = "%flink, %flink connect GATEWAY_URL [--rest REST_URL] [--header 'Name: value'], %flink disconnect, %flink target local|flink|{variable}";

export function parseFlinkArgs(
  args: string,
): { verb: "status" } | { verb: "disconnect" } | { verb: "connect"; config: FlinkTargetConfig } | { verb: "target"; target: string } | { verb: "target"; variable: string } {
  const words = splitWords(args).map((w) => w.text);
  const [verb = "status", ...rest] = words;
  if (verb === "target") {
    const [word, ...more] = rest;
    if (word === undefined || more.length > 0) throw new MagicUsageError(`%flink target takes one of local, flink or a {variable}; use ${USAGE}`);
    const variable = /^(?:\{([A-Za-z_$][\w$]*)\}|\$([A-Za-z_][\w]*))$/.exec(word);
    return variable ? { verb, variable: (variable[1] ?? variable[2]) as string } : { verb, target: word };
  }
  if (verb === "status" || verb === "disconnect") {
    if (rest.length > 0) throw new MagicUsageError(`%flink ${verb} takes nothing more; use ${USAGE}`);
    return { verb };
  }
  if (verb !== "connect") throw new MagicUsageError(`%flink ${verb}? use ${USAGE}`);
  let gatewayUrl: string | undefined;
  let restUrl: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] as string;
    const value = rest[i + 1];
    if (word === "--rest" || word === "--header") {
      if (value === undefined) throw new MagicUsageError(`%flink connect: ${word} needs a value; use ${USAGE}`);
      i++;
      if (word === "--rest") restUrl = value;
      else {
        const m = /^([^:\s]+)\s*:\s*(.*)$/.exec(value);
        if (!m) throw new MagicUsageError(`%flink connect: --header '${value}' is not 'Name: value'`);
        headers[(m[1] as string).toLowerCase()] = m[2] as string;
      }
    } else if (word.startsWith("--")) throw new MagicUsageError(`%flink connect: unknown option ${word}; use ${USAGE}`);
    else if (gatewayUrl === undefined) gatewayUrl = word;
    else throw new MagicUsageError(`%flink connect takes one gateway URL; unexpected "${word}"`);
  }
  if (gatewayUrl === undefined) throw new MagicUsageError(`%flink connect: name the SQL Gateway's URL; use ${USAGE}`);
  return { verb: "connect", config: { gatewayUrl, headers, ...(restUrl === undefined ? {} : { restUrl }) } };
}

export const flinkMagic: MagicHandler = async (call, env): Promise<CellOutcome> => {
  const cmd = parseFlinkArgs(call.args);
  const text = (t: string): CellOutcome => ({ status: "ok", result: { value: { [DISPLAY]: () => ({ "text/plain": t }) } } });
  if (cmd.verb === "target") {
    let target = "target" in cmd ? cmd.target : undefined;
    if ("variable" in cmd) {
      const found = env.lookup(cmd.variable);
      if (!found.found) throw new MagicUsageError(`%flink target: no notebook variable named "${cmd.variable}" (declare it in the parameters cell)`);
      target = String(found.value);
    }
    if (target !== "local" && target !== "flink") throw new MagicUsageError(`%flink target ${target}? %%ssql cells run on local or flink`);
    if (target === "flink" && !flinkConnection())
      throw new MagicUsageError("%flink target flink: no Flink cluster connected; run %flink connect GATEWAY_URL first, or start the kernel (or sluice report) with SLUICE_FLINK_GATEWAY set");
    setDefaultTarget(target);
  }
  if (cmd.verb === "disconnect") {
    await disconnectFlink();
    return text("%%ssql cells run on the embedded engine");
  }
  if (cmd.verb === "connect") {
    const flink = await connectFlink(cmd.config);
    const info = await flink.gateway.info();
    return text(`%%ssql cells run on ${info.productName} ${info.version} at ${flink.gateway.url} (--target local keeps a cell local)`);
  }
  const flink = flinkConnection();
  return text(
    flink && defaultTarget() !== "local"
      ? `%%ssql cells run on Flink at ${flink.gateway.url}`
      : `%%ssql cells run on the embedded engine${flink ? ` (%flink target flink sends them to Flink at ${flink.gateway.url})` : " (%flink connect URL sends them to a Flink cluster)"}`,
  );
};

/** `--target flink|local` of a `%%ssql` cell; undefined when the cell names none. */
export function targetOf(args: string): "flink" | "local" | undefined {
  // Other options of %%ssql are not this parser's to judge.
  const m = /(?:^|\s)--target(?:\s+|=)(\S*)/.exec(args);
  if (!m) return undefined;
  if (m[1] !== "flink" && m[1] !== "local") throw new MagicUsageError(`%%ssql --target ${m[1]}? use --target flink or --target local`);
  return m[1];
}

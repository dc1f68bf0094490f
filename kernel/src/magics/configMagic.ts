import { DISPLAY } from "../display/mimeBundle.js";
import { MagicUsageError, type MagicHandler } from "./magic.js";
import { sqlSettings } from "./sql/sqlSettings.js";

/** Configurable classes, as IPython's `%config` names them. */
const classes: Record<string, Record<string, number>> = { SqlMagic: sqlSettings };

/**
 * `%config SqlMagic.displaylimit = 100` sets, `%config SqlMagic.displaylimit` shows one setting,
 * `%config SqlMagic` all of a class's, `%config` the classes. Settings are whole numbers ≥ 0.
 */
export const configMagic: MagicHandler = async (call) => {
  const m = /^(?:([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?)?\s*(?:=\s*(.*))?$/.exec(call.args);
  if (!m) throw new MagicUsageError(`%config takes Class.setting = value, not "${call.args}"`);
  const [, cls, key, value] = m;
  const text = (s: string) => ({ status: "ok" as const, result: { value: { [DISPLAY]: () => ({ "text/plain": s }) } } });
  if (!cls) return text(`configurable: ${Object.keys(classes).join(", ")}`);
  const settings = classes[cls];
  if (!settings) throw new MagicUsageError(`%config knows ${Object.keys(classes).join(", ")}, not ${cls}`);
  if (!key)
    return text(
      Object.entries(settings)
        .map(([k, v]) => `${cls}.${k} = ${v}`)
        .join("\n"),
    );
  if (!Object.hasOwn(settings, key)) throw new MagicUsageError(`${cls} has ${Object.keys(settings).join(", ")}, not ${key}`);
  if (value === undefined) return text(`${cls}.${key} = ${settings[key]}`);
  const n = Number(value.trim());
  if (value.trim() === "" || !Number.isInteger(n) || n < 0) throw new MagicUsageError(`${cls}.${key} takes a whole number ≥ 0 (0: no limit), not "${value.trim()}"`);
  settings[key] = n;
  return { status: "ok" };
};

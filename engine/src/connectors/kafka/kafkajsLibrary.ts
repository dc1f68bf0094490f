import { createRequire } from "node:module";
import type * as Kafkajs from "kafkajs";

const require = createRequire(import.meta.url);
let library: typeof Kafkajs | undefined;

/**
 * kafkajs, loaded by the first Kafka client rather than by importing the engine: every kernel imports
 * the engine and most never use Kafka (143 files; see lazyLibraries.test.ts). Synchronous, as the
 * clients that need it are made synchronously (kafkajs is CommonJS).
 */
export function kafkajs(): typeof Kafkajs {
  library ??= require("kafkajs") as typeof Kafkajs;
  return library;
}

import type { NexmarkQuery } from "./common.js";
import { q0 } from "./q0.js";
import { q1 } from "./q1.js";
import { q2 } from "./q2.js";
import { q3 } from "./q3.js";
import { q4 } from "./q4.js";
import { q5 } from "./q5.js";
import { q6 } from "./q6.js";
import { q7 } from "./q7.js";
import { q8 } from "./q8.js";

/** Every implemented query by name. */
// biome-ignore lint/suspicious/noExplicitAny: queries of every output type in one table
export const QUERIES: Readonly<Record<string, NexmarkQuery<any>>> = { q0, q1, q2, q3, q4, q5, q6, q7, q8 };
export { nexmarkEvents, type NexmarkQuery } from "./common.js";

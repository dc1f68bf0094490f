/**
 * The one place Sluice imports @platformatic/kafka from: the polyfill module is evaluated first
 * (ES modules evaluate their imports in order), so Node 20 has `Promise.withResolvers` before any
 * library code can run. Other modules of this folder import the library through here only.
 */
import "./polyfill.js";

export * from "@platformatic/kafka";

/**
 * Sluice engine: the API that notebook cells see.
 * This file only re-exports; each concept lives in its own folder.
 */
export const ENGINE_VERSION = "0.1.0";

// The Nexmark connector's public surface (re-exports only).
export { Nexmark, type NexmarkOptions } from "./Nexmark.js";
export { NexmarkGenerator } from "./NexmarkGenerator.js";
export { DEFAULT_NEXMARK_CONFIG, type Person, type Auction, type Bid, type NexmarkEvent, type NexmarkConfig } from "./model.js";

import { generatorSource, type DataGenOptions } from "./DataGenSource.js";
import { Weighted, Zipf } from "./random.js";
import type { Source } from "../Source.js";

/** A synthetic web analytics event. */
export interface PageView {
  eventId: number;
  /** Event time, epoch ms. Also attached as the record's source timestamp. */
  ts: number;
  userId: string;
  page: string;
  action: "view" | "click" | "add_to_cart" | "purchase";
  referrer: "direct" | "search" | "social" | "email" | "ads";
  country: string;
  device: "desktop" | "mobile" | "tablet";
  /** Time on page in ms. */
  durationMs: number;
  /** Order value for purchases, else 0. */
  amount: number;
}

export interface PageViewOptions extends DataGenOptions {
  /** Distinct users (Zipf-distributed activity). Default 1000. */
  users?: number;
  /** Distinct pages (Zipf-distributed popularity). Default 50. */
  pages?: number;
}

const SECTIONS = ["/", "/products", "/blog", "/cart", "/checkout", "/search", "/account", "/help"];
const COUNTRIES = new Weighted(["US", "DE", "IN", "BR", "GB", "FR", "JP", "CA", "NG", "AU"], [30, 10, 15, 8, 8, 6, 6, 5, 6, 6]);
const ACTIONS = new Weighted(["view", "click", "add_to_cart", "purchase"] as const, [70, 22, 6, 2]);
const REFERRERS = new Weighted(["direct", "search", "social", "email", "ads"] as const, [35, 35, 15, 5, 10]);
const DEVICES = new Weighted(["desktop", "mobile", "tablet"] as const, [45, 48, 7]);

/**
 * Page views and clicks of a web shop: skewed users and pages, realistic mix of actions, countries and
 * devices. Deterministic for a seed; rate-controlled by the environment's clock; see `DataGenOptions`.
 *
 * @example
 * env.fromSource(DataGen.pageViews({ rate: 200, maxOutOfOrderness: 2000 }),
 *   WatermarkStrategy.forBoundedOutOfOrderness<PageView>(2000).withTimestampAssigner(v => v.ts))
 */
export function pageViews(options: PageViewOptions = {}): Source<PageView> {
  const userCount = options.users ?? 1000;
  const pageCount = options.pages ?? 50;
  const userZipf = new Zipf(userCount, 0.9);
  const pageZipf = new Zipf(pageCount, 1.1);
  const userIds = Array.from({ length: userCount }, (_, i) => `u${String(i).padStart(4, "0")}`);
  const pageNames = Array.from({ length: pageCount }, (_, i) => (i < SECTIONS.length ? SECTIONS[i]! : `${SECTIONS[1 + (i % 2)]!}/${i}`));
  return generatorSource<PageView>(
    "pageViews",
    (eventId, ts, rng) => {
      const action = ACTIONS.pick(rng());
      return {
        eventId,
        ts,
        userId: userIds[userZipf.sample(rng())]!,
        page: pageNames[pageZipf.sample(rng())]!,
        action,
        referrer: REFERRERS.pick(rng()),
        country: COUNTRIES.pick(rng()),
        device: DEVICES.pick(rng()),
        durationMs: Math.round(-Math.log(1 - rng()) * 20_000),
        amount: action === "purchase" ? Math.round((5 + rng() * 195) * 100) / 100 : 0,
      };
    },
    options,
  );
}

import type { Auction, Bid, Person } from "./model.js";

/**
 * The generator's events, made by `new`, not by object literals: a poll's events wait together in its batch, so
 * a scavenge during one found every sampled event of the literal's allocation site alive (11,304 of 11,304) and V8
 * pretenured the site for good: from then on every bid was made in the old generation, and the 10 M-event job of
 * nexmark SQL q5 on one thread ran 16–17 mark-compacts instead of 0–1, a third more wall time and two thirds more
 * CPU, in about one run in three (RESULTS.md "Session 24"). Objects made by `new` have no allocation site
 * (windows/windowResult.ts). The prototype is Object.prototype: an event is still a plain object with the
 * literal's keys in its order.
 */
interface EventConstructors {
  Person: new (id: number, name: string, emailAddress: string, creditCard: string, city: string, state: string, dateTime: number, extra: string) => Person;
  Auction: new (id: number, itemName: string, description: string, initialBid: number, reserve: number, dateTime: number, expires: number, seller: number, category: number, extra: string) => Auction;
  Bid: new (auction: number, bidder: number, price: number, channel: string, url: string, dateTime: number, extra: string) => Bid;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

function PersonEvent(this: Writable<Person>, id: number, name: string, emailAddress: string, creditCard: string, city: string, state: string, dateTime: number, extra: string) {
  this.type = "person";
  this.id = id;
  this.name = name;
  this.emailAddress = emailAddress;
  this.creditCard = creditCard;
  this.city = city;
  this.state = state;
  this.dateTime = dateTime;
  this.extra = extra;
}

function AuctionEvent(
  this: Writable<Auction>,
  id: number,
  itemName: string,
  description: string,
  initialBid: number,
  reserve: number,
  dateTime: number,
  expires: number,
  seller: number,
  category: number,
  extra: string,
) {
  this.type = "auction";
  this.id = id;
  this.itemName = itemName;
  this.description = description;
  this.initialBid = initialBid;
  this.reserve = reserve;
  this.dateTime = dateTime;
  this.expires = expires;
  this.seller = seller;
  this.category = category;
  this.extra = extra;
}

function BidEvent(this: Writable<Bid>, auction: number, bidder: number, price: number, channel: string, url: string, dateTime: number, extra: string) {
  this.type = "bid";
  this.auction = auction;
  this.bidder = bidder;
  this.price = price;
  this.channel = channel;
  this.url = url;
  this.dateTime = dateTime;
  this.extra = extra;
}

for (const f of [PersonEvent, AuctionEvent, BidEvent]) (f as unknown as { prototype: object }).prototype = Object.prototype;

export const Events = { Person: PersonEvent, Auction: AuctionEvent, Bid: BidEvent } as unknown as EventConstructors;

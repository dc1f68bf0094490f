// kafkajs vs @platformatic/kafka on one broker, alternating round by round (see run.sh):
// a producer sending 1 024 keyed JSON records per awaited call (acks=all, idempotent), and a
// group consumer reading a topic from the start and parsing every value. Prints medians and ratios.
// Usage: node bench/kafka-clients/compare.mjs <bootstrap> [records] [rounds] [label]
import { fileURLToPath, pathToFileURL } from "node:url";
import { printTable, median } from "../../dist/bench/table.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { Kafka, logLevel } = (await import(pathToFileURL(`${root}node_modules/kafkajs/index.js`).href)).default;
// The engine's own entry to the library: it installs the Promise.withResolvers polyfill Node 20 needs first.
const platformatic = await import(pathToFileURL(`${root}dist/engine/src/connectors/kafka/platformatic/library.js`).href);
const { Producer, Consumer, stringSerializers, stringDeserializers, MessagesStreamModes, ProduceAcks } = platformatic;

const [bootstrap, nArg, roundsArg, label] = process.argv.slice(2);
const N = Number(nArg ?? 100_000);
const ROUNDS = Number(roundsArg ?? 3);
const BATCH = 1_024;
const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
const values = Array.from({ length: N }, (_, i) => JSON.stringify({ id: i, user: `user-${i % 1000}`, url: `https://example.com/page/${i % 97}`, ts: 1_700_000_000_000 + i }));
const checksum = (N * (N - 1)) / 2;

async function newTopic() {
  const admin = kafka.admin();
  await admin.connect();
  const topic = `clients-${Math.random().toString(36).slice(2, 8)}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
  await admin.disconnect();
  return topic;
}

async function kafkajsProduce(topic) {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const t0 = performance.now();
  for (let i = 0; i < N; i += BATCH) await producer.send({ topic, acks: -1, messages: values.slice(i, i + BATCH).map((value, k) => ({ key: `user-${(i + k) % 1000}`, value })) });
  const rate = (N / (performance.now() - t0)) * 1000;
  await producer.disconnect();
  return rate;
}

async function platformaticProduce(topic) {
  const producer = new Producer({ clientId: "bench", bootstrapBrokers: [bootstrap], serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL });
  const t0 = performance.now();
  for (let i = 0; i < N; i += BATCH) await producer.send({ messages: values.slice(i, i + BATCH).map((value, k) => ({ topic, key: `user-${(i + k) % 1000}`, value })) });
  const rate = (N / (performance.now() - t0)) * 1000;
  await producer.close();
  return rate;
}

/** Records/s from the first record to the last (joining the group is not counted). */
async function kafkajsConsume(topic) {
  const consumer = kafka.consumer({ groupId: `bench-${Math.random()}`, maxWaitTimeInMs: 100 });
  let seen = 0, sum = 0, first = 0, last = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (first === 0) first = performance.now();
          for (const m of batch.messages) sum += JSON.parse(m.value.toString()).id;
          seen += batch.messages.length;
          last = performance.now();
          if (seen >= N) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  if (sum !== checksum) throw new Error("kafkajs consumer: wrong records");
  return (N / (last - first)) * 1000;
}

async function platformaticConsume(topic) {
  const consumer = new Consumer({ groupId: `bench-${Math.random()}`, clientId: "bench", bootstrapBrokers: [bootstrap], deserializers: stringDeserializers, maxWaitTime: 100 });
  const stream = await consumer.consume({ autocommit: false, topics: [topic], mode: MessagesStreamModes.EARLIEST });
  let seen = 0, sum = 0, first = 0, last = 0;
  for await (const m of stream) {
    if (first === 0) first = performance.now();
    sum += JSON.parse(m.value).id;
    seen++;
    last = performance.now();
    if (seen >= N) break;
  }
  await consumer.close(true);
  if (sum !== checksum) throw new Error("@platformatic/kafka consumer: wrong records");
  return (N / (last - first)) * 1000;
}

const r = { kp: [], pp: [], kc: [], pc: [] };
for (let round = 0; round < ROUNDS; round++) {
  const [a, b] = [await newTopic(), await newTopic()];
  // Alternate which client goes first, so warm-up and background load do not favour one.
  const produce = [async () => r.kp.push(await kafkajsProduce(a)), async () => r.pp.push(await platformaticProduce(b))];
  const consume = [async () => r.kc.push(await kafkajsConsume(a)), async () => r.pc.push(await platformaticConsume(a))];
  for (const step of round % 2 === 0 ? produce : produce.reverse()) await step();
  for (const step of round % 2 === 0 ? consume : consume.reverse()) await step();
}
const all = (xs) => xs.map((x) => Math.round(x)).join(" ");
printTable(
  `Kafka ${label ?? bootstrap}: kafkajs vs @platformatic/kafka, ${N.toLocaleString("en-US")} JSON records, 4 partitions, Node ${process.version}, median of ${ROUNDS} rounds`,
  ["path", "kafkajs rec/s", "platformatic rec/s", "platformatic / kafkajs", "kafkajs rounds", "platformatic rounds"],
  [
    [`producer (${BATCH}-record sends, acks=all)`, median(r.kp), median(r.pp), (median(r.pp) / median(r.kp)).toFixed(2), all(r.kp), all(r.pp)],
    ["consumer (from earliest, JSON.parse)", median(r.kc), median(r.pc), (median(r.pc) / median(r.kc)).toFixed(2), all(r.kc), all(r.pc)],
  ],
);
process.exit(0);

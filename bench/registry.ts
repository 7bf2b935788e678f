import type { PrivateDovecot } from '../src/devstack/dovecot.js';
import type { PrivateRedis } from '../src/devstack/redis.js';
import type { SmtpSink } from '../src/devstack/smtp-sink.js';
import { bookingsBench } from './bookings.js';
import { consoleBench } from './console.js';
import { documentsBench } from './documents.js';
import { inboundBench } from './inbound.js';
import { ingressBench } from './ingress.js';
import { intentBench } from './intent.js';
import { outboxBench } from './outbox.js';

export interface BenchEnv {
  redisUrl: string;
  redis: PrivateRedis;
  sink: SmtpSink;
  dovecot: PrivateDovecot;
  tmp: string;
}
export interface Row {
  label: string;
  value: string;
}
export interface Bench {
  name: string;
  run(env: BenchEnv): Promise<Row[]>;
}

export const BENCHES: Bench[] = [
  outboxBench,
  bookingsBench,
  inboundBench,
  ingressBench,
  intentBench,
  documentsBench,
  consoleBench,
];

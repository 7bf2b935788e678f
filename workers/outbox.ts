// Outbox process alone: sends queued mail (invitations, replies, forwards). Any number may run.
import { runStandalone } from '../src/runtime/standalone.js';

await runStandalone('outbox');

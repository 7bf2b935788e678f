// Web process alone: the staff console (Fastify, server-rendered). Any number may run behind a proxy.
import { runStandalone } from '../src/runtime/standalone.js';

await runStandalone('web');

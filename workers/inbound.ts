// inbound process alone. Any number may run; jobs are shared through Redis.
import { runStandalone } from '../src/runtime/standalone.js';

await runStandalone('inbound');

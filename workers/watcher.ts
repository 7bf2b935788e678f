// watcher process alone. Any number may run; one holds the mailbox lease at a time.
import { runStandalone } from '../src/runtime/standalone.js';

await runStandalone('watcher');

// Scheduler process alone: reminders, no-show checks (C3) and the pending-notification sweep.
import { runStandalone } from '../src/runtime/standalone.js';

await runStandalone('scheduler');

// SMTP ingress alone (when ingress.smtp.enabled): receives mail by SMTP into the inbound pipeline.
import { runStandalone } from '../src/runtime/standalone.js';

await runStandalone('ingress');

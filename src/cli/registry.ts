import type { Command } from './command.js';
import { configCheck } from './commands/config.js';
import { doctor } from './commands/doctor.js';
import { run } from './commands/run.js';

export const COMMANDS: Command[] = [configCheck, doctor, run];

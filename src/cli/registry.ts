import type { Command } from './command.js';
import {
  attendCmd,
  bookCmd,
  bookingsCmd,
  cancelCmd,
  reinstateCmd,
  rescheduleCmd,
  slotsCmd,
} from './commands/bookings.js';
import { configCheck } from './commands/config.js';
import { doctor } from './commands/doctor.js';
import { documentsGet, documentsList, documentsReviewed } from './commands/documents.js';
import { inboxStatusCmd, quarantineList, quarantineReleaseCmd, quarantineShowCmd } from './commands/inbox.js';
import { jobsRemove, jobsRetry, opsStatus } from './commands/ops.js';
import { run } from './commands/run.js';
import { staffAdd, staffDeactivate, staffList, staffSetPassword, staffUpdate } from './commands/staff.js';
import { backupCmd, restoreCmd, rotateKeyCmd } from './commands/storage.js';
import { triageAssign, triageDone, triageList, triageShow } from './commands/triage.js';

export const COMMANDS: Command[] = [
  configCheck,
  doctor,
  run,
  staffAdd,
  staffList,
  staffUpdate,
  staffDeactivate,
  staffSetPassword,
  bookCmd,
  rescheduleCmd,
  cancelCmd,
  reinstateCmd,
  attendCmd,
  slotsCmd,
  bookingsCmd,
  inboxStatusCmd,
  quarantineList,
  quarantineShowCmd,
  quarantineReleaseCmd,
  documentsList,
  documentsGet,
  documentsReviewed,
  triageList,
  triageShow,
  triageAssign,
  triageDone,
  opsStatus,
  jobsRetry,
  jobsRemove,
  backupCmd,
  restoreCmd,
  rotateKeyCmd,
];

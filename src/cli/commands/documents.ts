import { writeFileSync } from 'node:fs';
import { listDocuments, readDocument, reviewDocument } from '../../documents/queue.js';
import { MadoguchiError } from '../../errors.js';
import { ACTOR_OPTION, type Command, firstPositional } from '../command.js';
import { withInbound } from './with-services.js';

const needId = (p: string[], cmd: string) => firstPositional(p, cmd, 'a document id (doc_…)');

export const documentsList: Command = {
  path: ['documents'],
  summary: "A staff member's document queue (newest last)",
  usage: 'madoguchi documents --staff EMAIL [--all]',
  options: { staff: { type: 'string' }, all: { type: 'boolean' } },
  run: ({ values }, io) =>
    withInbound(io, async (deps) => {
      if (typeof values.staff !== 'string')
        throw new MadoguchiError('USAGE', 'documents needs --staff EMAIL');
      const staffId = await deps.svc.store.staffIdByEmail(values.staff);
      if (!staffId) throw new MadoguchiError('NOT_FOUND', `no staff member ${values.staff}`);
      const queue = await listDocuments(deps, { staffId, ...(values.all ? {} : { state: 'new' as const }) });
      return {
        json: queue,
        human:
          queue
            .map(
              (d) =>
                `${d.id}  ${d.status.padEnd(8)}  ${d.bookingId}  ${d.docKind}  ${d.pages ?? '-'}p  ${d.filename}`,
            )
            .join('\n') || '(no documents)',
      };
    }),
};

export const documentsGet: Command = {
  path: ['documents', 'get'],
  summary: 'Decrypt one document to a file (the access is recorded, P4)',
  usage: 'madoguchi documents get ID --out PATH [--actor NAME]',
  options: { out: { type: 'string' }, ...ACTOR_OPTION },
  run: ({ positionals, values }, io) =>
    withInbound(io, async (deps) => {
      const id = needId(positionals, 'documents get');
      if (typeof values.out !== 'string') throw new MadoguchiError('USAGE', 'documents get needs --out PATH');
      const { record: d, data } = await readDocument(deps, id, String(values.actor), 'documents get');
      writeFileSync(values.out, data, { mode: 0o600 });
      return {
        json: { id, out: values.out, size: data.length, sha256: d.sha256 },
        human: `wrote ${data.length} bytes to ${values.out}`,
      };
    }),
};

export const documentsReviewed: Command = {
  path: ['documents', 'reviewed'],
  summary: 'Mark a document reviewed',
  usage: 'madoguchi documents reviewed ID [--actor NAME]',
  options: ACTOR_OPTION,
  run: ({ positionals, values }, io) =>
    withInbound(io, async (deps) => {
      const id = needId(positionals, 'documents reviewed');
      const d = await reviewDocument(deps, id, String(values.actor));
      return { json: d, human: `${id} reviewed` };
    }),
};

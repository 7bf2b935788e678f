import { readFileSync, readdirSync } from 'node:fs';
import { parseMail } from './src/inbound/parse.js';
const root='/work/shared/corpus';
const dirs = process.argv.slice(2);
for (const dir of dirs) for (const f of readdirSync(`${root}/${dir}`)) {
  const raw = readFileSync(`${root}/${dir}/${f}`);
  const t0=Date.now();
  try {
    const m = await parseMail(raw, { maxBytes: 40e6, timeoutMs: 10000 });
    const bad = (s:string)=> s.includes('\uFFFD') ? 'FFFD' : '';
    console.log(dir+'/'+f, Date.now()-t0+'ms', JSON.stringify(m.subject.slice(0,30)), bad(m.subject), bad(m.text), m.attachments.map(a=>a.filename+bad(a.filename)).join('|'), m.repairs.join(','), m.from);
  } catch(e) { console.log(f, 'ERR', (e as Error).message) }
}

import { readFileSync, readdirSync } from 'node:fs';
const dir = process.argv[2];
for (const f of readdirSync(dir)) {
  const p = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'));
  const self = new Map(); const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const dt = p.timeDeltas; let total = 0;
  p.samples.forEach((id, i) => { const n = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-3).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0)); total += dt[i] ?? 0; });
  // aggregate by package
  const byPkg = new Map();
  for (const [k, v] of self) { const m = /node_modules\/([^/]+)/.exec(k) ?? /(src\/[^/]+|node:[a-z_]+|\(\w+\))/.exec(k); const pk = m ? m[1] : k.split(' ')[1]?.split('/')[0] ?? k; byPkg.set(pk, (byPkg.get(pk) ?? 0) + v); }
  console.log(f, 'total ms', (total/1000).toFixed(0));
  console.log([...byPkg].sort((a,b)=>b[1]-a[1]).slice(0,15).map(([k,v])=>`${(v/1000).toFixed(0)}ms ${k}`).join('\n'));
  console.log('--');
  console.log([...self].sort((a,b)=>b[1]-a[1]).slice(0,25).map(([k,v])=>`${(v/1000).toFixed(0)}ms ${k}`).join('\n'));
}

import net from 'node:net';

/**
 * clamd INSTREAM (clamd(8)): "zINSTREAM\0", then chunks as <uint32 BE length><bytes>, then a zero
 * length. Reply "stream: OK" or "stream: <name> FOUND". Any other outcome (refused, timeout,
 * "ERROR") is `unavailable`: the caller refuses the file (fail closed).
 */
export function clamdScan(
  data: Buffer,
  target: { host: string; port: number },
  timeoutMs = 15_000,
): Promise<'clean' | 'unavailable' | { virus: string }> {
  return new Promise((resolve) => {
    const sock = net.connect(target.port, target.host);
    let reply = '';
    let settled = false;
    const done = (v: 'clean' | 'unavailable' | { virus: string }) => {
      if (settled) return;
      settled = true;
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(timeoutMs, () => done('unavailable'));
    sock.on('error', () => done('unavailable'));
    sock.on('connect', () => {
      sock.write('zINSTREAM\0');
      for (let i = 0; i < data.length; i += 64 * 1024) {
        const chunk = data.subarray(i, i + 64 * 1024);
        const len = Buffer.alloc(4);
        len.writeUInt32BE(chunk.length);
        sock.write(len);
        sock.write(chunk);
      }
      sock.write(Buffer.alloc(4));
    });
    sock.on('data', (d) => {
      reply += d.toString('latin1');
      if (reply.includes('\0') || reply.includes('\n')) {
        const line = reply.replace(/[\0\n]+$/, '');
        if (/:\s*OK$/.test(line)) done('clean');
        else {
          const m = /:\s*(.+) FOUND$/.exec(line);
          done(m ? { virus: m[1]! } : 'unavailable');
        }
      }
    });
    sock.on('end', () => done('unavailable'));
  });
}

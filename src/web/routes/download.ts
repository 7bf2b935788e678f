import type { FastifyReply } from 'fastify';

/**
 * A file to save, never to show: Content-Disposition attachment with an ASCII fallback name and
 * the real one in RFC 5987 filename*, nosniff, and a sandboxing CSP in case a browser renders it
 * anyway (a seeker's HTML or SVG must not run in the console's origin).
 */
export function download(reply: FastifyReply, filename: string, contentType: string, data: Buffer) {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_') || 'file';
  return reply
    .header('Content-Type', contentType)
    .header(
      'Content-Disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    )
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "sandbox; default-src 'none'")
    .header('Cache-Control', 'no-store')
    .send(data);
}

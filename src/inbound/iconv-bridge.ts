import { Transform, type TransformCallback } from 'node:stream';
import { decodeBytes } from './charset.js';

/**
 * mailparser's `Iconv` option: decodes text bodies with our decoder (CP932 user-defined area,
 * unknown labels) instead of iconv-lite's. Text parts are size-capped before parsing, so
 * collecting a part whole is bounded.
 */
export class JapaneseIconv extends Transform {
  private chunks: Buffer[] = [];
  constructor(private readonly charset: string) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(chunk);
    done();
  }
  override _flush(done: TransformCallback): void {
    this.push(Buffer.from(decodeBytes(Buffer.concat(this.chunks), this.charset), 'utf8'));
    done();
  }
}

import { describe, expect, it } from 'vitest';
import { describeUrl, parseImapUrl, parseSmtpUrl } from '../../src/adapters/urls.js';

describe('connection URLs', () => {
  it('imap:// and imaps:// with user, password, port and mailbox', () => {
    expect(parseImapUrl('imap://consult:s%40cret@127.0.0.1:1143/INBOX')).toEqual({
      host: '127.0.0.1',
      port: 1143,
      secure: false,
      user: 'consult',
      pass: 's@cret',
      mailbox: 'INBOX',
    });
    expect(parseImapUrl('imaps://u:p@mail.example')).toMatchObject({
      port: 993,
      secure: true,
      mailbox: 'INBOX',
    });
  });

  it('smtp:// without credentials and smtps:// with them', () => {
    expect(parseSmtpUrl('smtp://127.0.0.1:2525')).toEqual({ host: '127.0.0.1', port: 2525, secure: false });
    expect(parseSmtpUrl('smtps://a:b@smtp.example')).toEqual({
      host: 'smtp.example',
      port: 465,
      secure: true,
      auth: { user: 'a', pass: 'b' },
    });
  });

  it('describeUrl never shows credentials', () => {
    expect(describeUrl('imap://consult:secret@h:143/INBOX')).toBe('imap://h:143');
  });
});

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff } from '../../src/bookings/staff.js';
import { inboundDeps } from '../../src/inbound/deps.js';
import { Accounts } from '../../src/web/accounts.js';
import { buildWeb } from '../../src/web/server.js';
import { inspectInvite, libicalCheck } from '../helpers/ics-lint.js';
import { type InboundStack, inboundStack, openDay, seekerWithBooking } from '../helpers/inbound.js';
import { webClient } from '../helpers/web.js';

// Issue #10 over HTTP (Fastify inject) on the real stack: Redis sessions, CSRF, lockout, rate
// limit, and the booking form and page calling the CLI's service functions.
const PASSWORD = 'correct horse battery';

describe('staff console: sign-in, security, booking by phone', () => {
  let s: InboundStack;
  let app: FastifyInstance;
  let staffEmail: string;
  beforeAll(async () => {
    // Many sign-ins in one minute from one address (inject): the limit is raised, and tested below.
    s = await inboundStack('box18', ['outbox'], { settings: { web: { signInPerMinute: 60 } } });
    app = await buildWeb(inboundDeps(s.ctx));
    const accounts = new Accounts(s.ctx.redis, s.ctx.config.connections.redisPrefix);
    const st = await addStaff(s.svc.store, {
      name: '窓口 花子',
      email: 'desk@madoguchi.localhost',
      zoomId: '12345678901',
      zoomPasscode: 'p',
    });
    staffEmail = st.email;
    await accounts.setPassword(st.id, PASSWORD);
    const admin = await addStaff(s.svc.store, {
      name: '管理 太郎',
      email: 'admin@madoguchi.localhost',
      zoomId: '12345678902',
      zoomPasscode: 'p',
      role: 'admin',
    });
    await accounts.setPassword(admin.id, PASSWORD);
  });
  afterAll(async () => {
    await app.close();
    await s.stop();
  });

  const signedIn = async (email = staffEmail, password = PASSWORD) => {
    const c = webClient(app);
    await c.get('/signin');
    const res = await c.post('/signin', { email, password, next: '/calendar' });
    expect(res.statusCode).toBe(303);
    return c;
  };

  it('anonymous requests go to sign-in, keeping the target; static and health are open', async () => {
    const c = webClient(app);
    for (const url of ['/calendar', '/book', '/bookings/bk_x']) {
      const res = await c.get(url);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/signin?next=${encodeURIComponent(url)}`);
    }
    expect((await c.post('/bookings/bk_x/cancel', { seq: '0' })).statusCode).toBe(303);
    expect((await c.get('/static/app.css')).statusCode).toBe(200);
  });

  it('security headers: a strict CSP with no inline script, no framing', async () => {
    const res = await webClient(app).get('/signin');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toContain('<html lang="ja">');
  });

  it('sign-in without a CSRF token is refused (403) and signs nobody in', async () => {
    const c = webClient(app);
    await c.get('/signin');
    const res = await c.post('/signin', { email: staffEmail, password: PASSWORD }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect((await c.get('/calendar')).statusCode).toBe(303);
  });

  it('wrong passwords are refused, audited without the password, and lock the address', async () => {
    const c = webClient(app);
    await c.get('/signin');
    const email = 'nobody@madoguchi.localhost';
    for (let i = 0; i < s.ctx.config.web.signInAttempts; i++) {
      const res = await c.post('/signin', { email, password: `wrong-${i}` });
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain('メールアドレスまたはパスワードが違います');
    }
    expect((await c.post('/signin', { email, password: 'x' })).body).toContain('しばらくこのアドレスでは');
    const audit = await s.store.auditEntries();
    expect(audit.some((e) => e.action === 'signin-failed')).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('wrong-0');
  });

  it('sign in, see the calendar, sign out: the session is gone', async () => {
    const c = await signedIn();
    const cal = await c.get('/calendar');
    expect(cal.statusCode).toBe(200);
    expect(cal.body).toContain('窓口 花子');
    const cookie = (await c.get('/calendar')).headers['set-cookie'];
    expect(String(cookie ?? '')).not.toMatch(/madoguchi_session=/); // the id is not re-sent needlessly
    expect((await c.post('/signout', {})).statusCode).toBe(303);
    expect((await c.get('/calendar')).statusCode).toBe(303);
    const audit = await s.store.auditEntries();
    expect(
      audit.filter((e) => e.action === 'signin' || e.action === 'signout').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('an expired session goes back to sign-in, keeping the form’s page, and nothing is saved', async () => {
    const c = await signedIn();
    await c.get('/book');
    for (const k of await s.ctx.redis.keys(`${s.ctx.config.connections.redisPrefix}:web:session:*`))
      await s.ctx.redis.del(k);
    const res = await app.inject({
      method: 'POST',
      url: '/book',
      headers: {
        cookie: [...c.jar].map(([k, v]) => `${k}=${v}`).join('; '),
        referer: 'http://127.0.0.1:8080/book?slot=x',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: `_csrf=${c.csrf}&step=confirm`,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/signin?next=${encodeURIComponent('/book?slot=x')}&expired=1`);
  });

  it('passwords are stored as Argon2id hashes only', async () => {
    const id = (await s.svc.store.staffIdByEmail(staffEmail))!;
    const stored = await s.ctx.redis.get(`${s.ctx.config.connections.redisPrefix}:web:pw:${id}`);
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(stored).not.toContain(PASSWORD);
  });

  it('the session cookie is HttpOnly, SameSite=Lax and Secure', async () => {
    const c = webClient(app);
    await c.get('/signin');
    const res = await c.post('/signin', { email: staffEmail, password: PASSWORD });
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/madoguchi_session=[^;]+;.*HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).toMatch(/Secure/);
  });

  it('phone booking: check (C4 shown), confirm, REQUEST invitations pass libical; B12 shows the referral', async () => {
    const c = await signedIn();
    const form = await c.get('/book');
    const slot = /<option value="([^"]+)"/.exec(form.body)![1]!;
    const fields = {
      seekerNumber: '０１０２０－１２３４５６７８',
      name: '山田 <b>太郎</b>',
      birthdate: '1985-04-01',
      email: 'seeker-web@example.jp',
      phone: '090-1234-5678',
      slot,
      topic: '職務経歴書の添削',
    };
    const check = await c.post('/book', { ...fields, step: 'check' });
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('過去の無断キャンセル');
    expect(check.body).toContain('山田 &lt;b&gt;太郎&lt;/b&gt;'); // escaped, never markup
    const done = await c.post('/book', { ...fields, step: 'confirm' });
    expect(done.body).toContain('招待状');
    const id = /href="\/bookings\/(bk_\w+)"/.exec(done.body)![1]!;
    expect(await s.svc.store.getBooking(id)).toMatchObject({ status: 'booked', sequence: 0 });
    const inv = await s.sink.waitFor(
      (m) => m.to.includes('seeker-web@example.jp') && m.raw.includes('method=REQUEST'),
    );
    const ics = (await inspectInvite(inv.raw)).ics;
    expect(libicalCheck([ics])[0]).toMatch(/OK$/);

    const oos = await c.post('/book', { ...fields, topic: '障害者雇用の求人について', step: 'check' });
    expect(oos.statusCode).toBe(400);
    expect(oos.body).toContain('オンライン相談の対象外です');
    expect(oos.body).toContain(s.ctx.config.booking.referralText.slice(0, 20));

    const bad = await c.post('/book', { ...fields, name: 'A\r\nB', phone: '12', step: 'check' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('改行や制御文字');
    expect(bad.body).toContain('電話番号（10〜11桁）');
  });

  it('booking page: a stale action says "changed meanwhile" and changes nothing; cancel sends CANCEL', async () => {
    const c = await signedIn();
    const form = await c.get('/book');
    const slot = /<option value="([^"]+)"/.exec(form.body)![1]!;
    const fields = {
      seekerNumber: '01020-87654321',
      name: '佐藤 次郎',
      birthdate: '1990-01-01',
      email: 'seeker-web2@example.jp',
      phone: '0134-00-0000',
      slot,
      topic: '面接の練習',
    };
    const done = await c.post('/book', { ...fields, step: 'confirm' });
    const id = /href="\/bookings\/(bk_\w+)"/.exec(done.body)![1]!;
    const other = await signedIn();
    await other.get(`/bookings/${id}`);
    await c.get(`/bookings/${id}`);
    const version = /name="seq" value="([^"]+)"/.exec((await c.get(`/bookings/${id}`)).body)![1]!;
    // Without the page's CSRF token: 403, nothing changes.
    const forged = await c.post(
      `/bookings/${id}/cancel`,
      { seq: version, channel: 'phone' },
      { csrf: false },
    );
    expect(forged.statusCode).toBe(403);
    expect(await s.svc.store.getBooking(id)).toMatchObject({ status: 'booked', sequence: 0 });
    // One desk cancels (CANCEL, SEQUENCE+1); the other, still showing the old page, is told.
    expect((await c.post(`/bookings/${id}/cancel`, { seq: version, channel: 'phone' })).statusCode).toBe(303);
    const stale = await other.post(`/bookings/${id}/attend`, { seq: version });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('他の職員によって変更されました');
    expect(await s.svc.store.getBooking(id)).toMatchObject({ status: 'cancelled', sequence: 1 });
    await s.sink.waitFor(
      (m) =>
        m.to.includes('seeker-web2@example.jp') &&
        m.raw.includes('method=CANCEL') &&
        m.raw.includes('SEQUENCE:1'),
    );
    expect((await c.get('/bookings/bk_nothere')).statusCode).toBe(404);
  });

  it('C3 from the booking page: no-show only once start + graceMinutes has passed; CANCEL follows, count kept (C4)', async () => {
    const c = await signedIn();
    const past = openDay(s.ctx, -2);
    const { booking } = await seekerWithBooking(s.svc, 'late@example.jp', `${past.toISODate()}T10:00`);
    const page = await c.get(`/bookings/${booking.id}`);
    const version = /name="seq" value="([^"]+)"/.exec(page.body)![1]!;
    expect(page.body).toContain('/noshow');
    expect((await c.post(`/bookings/${booking.id}/noshow`, { seq: version })).statusCode).toBe(303);
    expect(await s.svc.store.getBooking(booking.id)).toMatchObject({ status: 'noshow', sequence: 1 });
    expect(await s.svc.store.noShows(booking.seekerId)).toBe(1);
    await s.sink.waitFor((m) => m.to.includes('late@example.jp') && m.raw.includes('method=CANCEL'));
    // A future booking offers no no-show action.
    const future = await seekerWithBooking(
      s.svc,
      'ontime@example.jp',
      `${openDay(s.ctx, 7).toISODate()}T10:00`,
    );
    expect((await c.get(`/bookings/${future.booking.id}`)).body).not.toContain('/noshow');
  });

  it('a seeker page shows their bookings and no-shows to staff, and the view is audited (P5)', async () => {
    const c = await signedIn();
    const id = (await s.svc.store.seekerIdsByEmail('seeker-web@example.jp'))[0]!;
    const res = await c.get(`/seekers/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('01020-******78'); // the number masked
    expect(res.body).toContain('予約済み');
    const audit = await s.store.auditEntries();
    expect(audit.some((e) => e.action === 'seeker-view' && e.seeker === id)).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('seeker-web@example.jp');
    expect((await c.get('/seekers/sk_none')).statusCode).toBe(404);
  });

  it('roster: admins only; add a member, give a one-time password link, the member signs in with it', async () => {
    expect((await (await signedIn()).get('/staff')).statusCode).toBe(403);
    const admin = await signedIn('admin@madoguchi.localhost');
    await admin.get('/staff');
    const added = await admin.post('/staff', {
      name: '新人 三郎',
      email: 'new@madoguchi.localhost',
      role: 'staff',
      zoomId: '12345678903',
      zoomPasscode: 'p',
      availability: '1=10:00-12:00; 3=13:00-16:00',
      daysOff: '',
    });
    expect(added.statusCode).toBe(200);
    const id = (await s.svc.store.staffIdByEmail('new@madoguchi.localhost'))!;
    expect(await s.svc.store.getStaff(id)).toMatchObject({
      availability: { '1': ['10:00-12:00'], '3': ['13:00-16:00'] },
    });
    const bad = await admin.post('/staff', { name: 'A\nB', email: 'x', zoomId: '1', zoomPasscode: '' });
    expect(bad.statusCode).toBe(400);
    const linkPage = await admin.post(`/staff/${id}/password-link`, {});
    const link = /id="password-link">([^<]+)</.exec(linkPage.body)![1]!.replace(/&amp;/g, '&');
    const token = new URL(link).searchParams.get('token')!;
    const member = webClient(app);
    await member.get(`/set-password?token=${token}`);
    expect(
      (await member.post('/set-password', { token, password: 'short', again: 'short' })).statusCode,
    ).toBe(400);
    const ok = await member.post('/set-password', {
      token,
      password: 'a long new password',
      again: 'a long new password',
    });
    expect(ok.body).toContain('パスワードを設定しました');
    expect(
      (await member.post('/set-password', { token, password: 'another long one', again: 'another long one' }))
        .statusCode,
    ).toBe(400); // used once
    expect(
      (await (await signedIn('new@madoguchi.localhost', 'a long new password')).get('/calendar')).statusCode,
    ).toBe(200);
  });

  it('the sign-in form is rate-limited per client (429)', async () => {
    const c = webClient(app);
    await c.get('/signin');
    let last = 0;
    for (let i = 0; i < 65; i++)
      last = (await c.post('/signin', { email: `r${i}@x.jp`, password: 'x' })).statusCode;
    expect(last).toBe(429);
  });
});

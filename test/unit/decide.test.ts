import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Booking } from '../../src/bookings/model.js';
import { loadConfig } from '../../src/config/load.js';
import { ZONE } from '../../src/domain/time.js';
import { decide, type Facts } from '../../src/inbound/decide.js';
import { detectIntent, documentParts, ownWords, type ReplyNote } from '../../src/inbound/intent.js';
import { type InboundPart, type ParsedMail, parseMail } from '../../src/inbound/parse.js';
import { namedWhen } from '../../src/intent/when.js';
import { intentWords } from '../../src/intent/words.js';
import { CORPUS } from '../helpers/corpus.js';
import { parsedMail } from '../helpers/mail.js';

const scope = intentWords(
  loadConfig({ env: { MADOGUCHI_STORAGE_KEY: Buffer.alloc(32).toString('base64') } }),
);
const mail = (subject: string, text: string, attachments: ParsedMail['attachments'] = []) =>
  parsedMail({ from: 'a@example.jp', subject, text, attachments });
const intent = (subject: string, text = '') => detectIntent(mail(subject, text), scope).kind;
const intentOf = (m: ParsedMail) => detectIntent(m, scope).kind;
/** A part of a mail (the parse's shape); size is the content's unless given. */
const part = (filename: string, contentType: string, content: string, extra: Partial<InboundPart> = {}) => ({
  filename,
  contentType,
  size: Buffer.byteLength(content),
  sha256: '',
  content: Buffer.from(content),
  inline: false,
  ...extra,
});
const PDF = part('履歴書.pdf', 'application/pdf', '%PDF-1.4');

describe('intent (Japanese and English)', () => {
  it.each([
    ['キャンセルします', 'cancel'],
    ['予約を取り消したい', 'cancel'],
    ['予約の取消をお願いします', 'cancel'],
    ['欠席します', 'cancel'],
    ['明日の相談に参加できなくなりました', 'cancel'],
    ['Please cancel my appointment', 'cancel'],
    ['ｷｬﾝｾﾙお願いします', 'cancel'], // half-width katakana from old phones: NFKC
    ['ｷｬﾝｾﾙ', 'unsure'], // a bare word asks nothing: staff decide
    ['予約を取り消してほしいです', 'cancel'],
    ['明日の予約のキャンセルをメールでお願いします', 'cancel'],
    // The clause's verb is another than cancelling or asking for it: about it, not for it.
    ['予約のキャンセルについて教えてください', 'unsure'],
    ['当日のキャンセルは電話のみ受け付けます', 'unsure'], // our own notice, quoted unmarked
    ['Please tell me how to cancel my appointment', 'unsure'],
    // Not coming to the meeting tool, or beside trouble joining it, is more often a connection
    // problem than an absence (config intents.cancel.trouble); a cancellation word still cancels.
    ['Zoomに参加できません。URLを教えてください', 'unsure'],
    ['接続がうまくいきません。明日の相談に参加できません', 'unsure'],
    ["I can't join the Zoom meeting, the link doesn't work.", 'unsure'],
    ['パソコンが壊れたので、明日の相談に参加できません', 'cancel'],
    // Not coming to something else (説明会, a seminar), with the consultation named elsewhere.
    ['説明会に参加できなくなったので、明日の相談で相談したいです', 'unsure'],
    ['明日の相談には参加できますが、来週のセミナーには参加できません', 'unsure'],
    ['I cannot attend the seminar, but I will join the consultation.', 'unsure'],
    ["I can't make it to my daughter's school event tomorrow, so I can attend the consultation.", 'unsure'],
    ["Sorry, I can't make it tomorrow.", 'cancel'],
    // A reason begins another clause: what the verb names ends before it.
    ['I am unable to attend the job fair due to my consultation.', 'unsure'],
    ["Tomorrow's consultation: I cannot attend due to a job interview.", 'cancel'],
    ["Sorry, I can't make it tomorrow since my kid is sick.", 'cancel'],
    // Nothing but a day named at the verb: the sentence's own words decide, as before.
    ["About my appointment tomorrow: I can't attend.", 'cancel'],
    ['明日の相談ですが、参加できなくなりました', 'cancel'],
    ['明日は参加できなくなりました', 'other'], // attend what? staff read it
    ['明日のZoom相談はキャンセルします', 'cancel'],
    // Not coming, said of a consultation already gone or of someone else: not a cancellation.
    ['相談に参加できなかったので、改めて予約したいです', 'unsure'],
    ['相談に参加できない人はどうなりますか', 'unsure'],
    // A word that stops anything (見送る, 中止) cancels only with our consultation named.
    ['今回は見送らせていただきます', 'unsure'],
    ['相談は中止してください', 'cancel'],
    // A condition ("depending on"), another's words, a probability.
    ['体調次第では明日の予約をキャンセルします', 'unsure'],
    ['キャンセルする時は電話します', 'unsure'], // when I do; 10時 is a counter, no condition
    ['履歴書がないと相談には参加できませんよね', 'unsure'], // if there is none; よね asks
    ['明日10時の相談をキャンセルしてください', 'cancel'],
    ['状況によっては予約をキャンセルします', 'unsure'],
    ['家族が予約をキャンセルしてほしいと言っています', 'unsure'],
    ["I'll probably have to cancel my appointment", 'unsure'],
    // A mail that takes a cancellation back.
    ['明日の相談をキャンセルします、と送ったのは間違いです', 'unsure'],
    ['Please ignore my previous email asking to cancel', 'unsure'],
    ['キャンセル待ちはできますか', 'other'],
    ['内定取り消しについて相談したい', 'unsure'],
    ['予約を変更したいです', 'booking-request'],
    ['新卒者です。相談できますか', 'out-of-scope'],
    // The topic describing another noun is a line of work, not the sender's case: staff decide.
    ['障害者支援の仕事に興味があります', 'unsure'],
    ['職業訓練の講師の求人はありますか', 'unsure'],
    ['I work in disability support', 'unsure'],
    ['職業訓練の説明会に参加したいです', 'out-of-scope'],
    // Another person's case (family), or a clause that turns away from the topic: staff decide.
    ['父が障害者なので、介護と両立できる仕事を探しています', 'unsure'],
    ['My son is a new graduate. Can I consult for him?', 'unsure'],
    ['障害者手帳を持っていますが、一般の求人を探しています', 'unsure'],
    ['I have a disability card but want to apply for regular jobs.', 'unsure'],
    ['発達障害があり、働き方について相談したいです', 'out-of-scope'], // が of 障害があり: no turn
    ['障害者雇用について相談したいのですが', 'out-of-scope'], // のですが: a softened request
    ['通信障害で接続できません', 'other'],
    ['よろしくお願いします', 'other'],
    // Whose booking, which event's: the phrase's head and its "X の" modifiers must be ours.
    ['セミナーの予約をキャンセルしたいです', 'unsure'],
    ['子供の予約をキャンセルしたいです', 'unsure'],
    ['就職相談会をキャンセルします', 'unsure'], // 相談 inside, 会 its head
    ['就職相談会に参加できなくなりました', 'unsure'],
    ["Can you cancel my wife's appointment?", 'unsure'],
    ['ハローワークの相談の予約をキャンセルしたいです', 'cancel'],
    ['明日10時の相談をキャンセルします', 'cancel'],
    ['妻の出産のため明日の面談をキャンセルさせてください', 'cancel'], // のため: why, not whose
    // Not knowing whether one can come is not "not coming".
    ['明日の相談に参加できるかわかりません', 'unsure'],
    // The consultation no longer needed, named at the word; anything else not needed is not ours.
    ['仕事が見つかったので、もう相談は必要ありません', 'cancel'],
    ['明日の相談は不要になりました', 'cancel'],
    ['相談は必要なくなりました', 'cancel'],
    ['I found a job, so I no longer need the consultation.', 'cancel'],
    ['明日の相談で使う書類はもう必要ありません', 'other'],
    ['明日の相談では何も必要ありません', 'other'],
    ['予約変更は不要です', 'other'],
    ['予約は必要ないと言われました', 'unsure'],
    ["I don't need it anymore.", 'other'],
    ['明日の相談のキャンセルをさせていただくことは可能でしょうか', 'cancel'],
    ['Please cancel my appointment with ABC Corporation.', 'unsure'], // a company's, not ours
    ['Please cancel my appointment with you tomorrow.', 'cancel'],
    ['Please cancel my next appointment.', 'cancel'],
    // A mail that asks to cancel and also says the sender will come: another booking in mind.
    ['明日の相談は予定通り参加します。以前の予約はキャンセルしてください。', 'unsure'],
    ['明日の相談は参加します。古い予約をキャンセルしてください', 'unsure'],
    // A line break inside a sentence (phones break lines for the look; PC mailers hard-wrap): a
    // request must hold with the lines read through as well.
    ['予約をキャンセルしてほしいと母が\n言っていますが、私は参加したいと思っています。', 'unsure'],
    ['I do not want to\ncancel my appointment.', 'unsure'],
    ['明日の相談ですが\n子供が熱を出したので\nキャンセルさせてください', 'cancel'],
    ['明日の相談キャンセルでお願いします\nよろしくお願いします', 'cancel'],
    ['予約をキャンセルしてほしいと母が言っています', 'unsure'], // the speaker between と and 言う
    // A past history is not a request for a referral (B12).
    ['大学の新卒採用で入社し、10年勤めました', 'unsure'],
    // Not the sender's case (config booking.outOfScope contrary, ongoing), other people the sender
    // would work with, a compound ending in another noun (a law): staff decide.
    ['新卒採用の求人に既卒でも応募できますか', 'unsure'],
    ['第二新卒向けの求人を探しています', 'unsure'],
    ['職業訓練を受講中です', 'unsure'],
    ['職業訓練中でも面接を受けられますか', 'unsure'],
    ['職業訓練校に通っています', 'unsure'],
    ['I am currently in vocational training and want a part-time job.', 'unsure'],
    ['職業訓練を受けたいと思っています', 'out-of-scope'], // a wish, not a state: 思っています is not it
    ['障害者の方と一緒に働く仕事がしたいです', 'unsure'],
    ['I want to work with people with disabilities.', 'unsure'],
    ['障害者として働きたいです', 'out-of-scope'],
    ['障害者雇用促進法について知りたいです', 'unsure'],
    ['ハロートレーニングの申し込み方法について相談したいです', 'out-of-scope'],
    ['新卒として就職活動をしています', 'out-of-scope'], // a particle ends the topic: no compound
    // The case spoken of with respect (a notice's 〜の方), or the rule stated: ours pasted back.
    ['新規学卒者の方は窓口へお越しください', 'unsure'],
    ['職業訓練に関するご相談はオンライン相談の対象外です', 'unsure'],
    ['職業訓練に関するご相談は対象外ですか', 'out-of-scope'],
    ['Consultations for people with disabilities are not held online.', 'unsure'],
    // "Not coming" with nothing named at the verb: the consultation named as where something
    // happened (相談で), or a topic naming another thing (説明会ですが), is not what is missed.
    ['就職相談で職業訓練を勧められましたが、受けるつもりはありません', 'unsure'],
    ['相談で勧められた説明会ですが、参加できなくなりました', 'unsure'],
    ['面接についてですが、相談の予約があるので行けません', 'unsure'],
    ['相談の予約をしていましたが、参加できなくなりました', 'cancel'],
    ['明日の相談の件ですが、参加できなくなりました', 'cancel'],
    // What the sender cannot bring; a denied negation; a booking asked for with a day they cannot
    // come; only a part of the consultation missed.
    ['明日の相談に、子供は連れて行けません', 'other'],
    ['明日の相談には書類を持って行けません', 'other'],
    ['明日の相談に行けないということはありません', 'unsure'],
    ['相談の予約をしたいのですが、平日は行けません', 'unsure'],
    ["I can't attend the first 10 minutes of the consultation, but I will join after that.", 'unsure'],
    // The negation is another verb's (やめる); a cleft names what is cancelled after のは; a thing
    // said to be there (説明会がありますが) is the topic "not coming" speaks of.
    ['相談に行くのをやめるつもりはありません', 'unsure'],
    // "That one" points back to something named before, maybe another thing; これ/こちら is left.
    ['明日の相談の前に、面接を受けることになったので、そちらは欠席します', 'unsure'],
    ['明日の相談の件、こちらはキャンセルでお願いします', 'cancel'],
    ['キャンセルしたいのは面接のほうです', 'unsure'],
    ['キャンセルしたいのは明日の相談です', 'cancel'],
    ['相談の前に説明会がありますが、参加できません', 'unsure'],
    // が as the subject's mark does not end the clause: the negation after it is read.
    ['明日の相談に伺うことができません', 'cancel'],
    ['明日の相談への参加が叶わなくなりました', 'cancel'],
    ['明日の相談をキャンセルさせていただいてもよろしいでしょうか', 'cancel'],
    // A wish describing a feeling or a degree is not asked for; the matter (件, 旨) still asks.
    ['キャンセルしたいくらい緊張してます', 'unsure'],
    ['明日の相談をキャンセルしたいと思うほど不安です', 'unsure'],
    ['明日の相談キャンセルしたい気分', 'unsure'],
    ['明日の相談をキャンセルしたい旨ご連絡いたします', 'cancel'],
    ['明日の相談キャンセルしたい…でも行きます', 'unsure'],
    // Not coming supposed (と, ても) or describing a noun past なる (前, 人): not said of the sender.
    ['明日の相談に行けないと困るので、早めに準備します', 'unsure'],
    ['明日の相談に参加できなくても、書類は送ったほうがいいですか', 'unsure'],
    ['明日の相談に参加できなくなる前に連絡します', 'unsure'],
    ['明日の相談に参加できなくなったため、ご連絡しました', 'cancel'],
    ['明日の相談に参加できなくなった件でご連絡しました', 'cancel'],
    // Someone else not coming, in the verb's own clause; a reason clause about them is the sender's.
    ['妻が明日の相談に参加できなくなりました', 'unsure'],
    ['子供が熱を出したので、明日の相談に参加できません', 'cancel'],
    ["My wife can't attend the consultation tomorrow, but I will.", 'unsure'],
    ["My son is sick, so I can't attend the consultation tomorrow.", 'cancel'],
    // Reported, feared, or only on a condition; "I'm afraid" and "sorry to say" still say it.
    [
      "My boss says I can't attend the consultation during work hours, so I will use my lunch break.",
      'unsure',
    ],
    ["I'm worried I can't attend the consultation tomorrow.", 'unsure'],
    ["I can't attend the consultation without my documents, so I will bring them.", 'unsure'],
    ["I'm afraid I can't attend the consultation tomorrow.", 'cancel'],
    ["I'm sorry to say I can't attend the consultation tomorrow.", 'cancel'],
    // English: the phrase's head is before its first preposition; a thing brought up is the topic;
    // not coming, then asking for another booking, is for staff.
    ["I can't attend the seminar after the consultation tomorrow.", 'unsure'],
    ["There is a seminar before the consultation, but I can't attend.", 'unsure'],
    ["I can't attend tomorrow, so I'd like to book another consultation next week.", 'unsure'],
  ])('%s → %s', (text, kind) => {
    expect(intent('', text)).toBe(kind);
  });

  it('a request naming nothing, in a mail that takes up another thing, is about that thing', () => {
    expect(intent('キャンセルのお願い', '12月10日の説明会の予約ですが、よろしくお願いします。')).toBe(
      'unsure',
    );
    expect(intent('キャンセルのお願い', '明日の面接の件です。よろしくお願いします。')).toBe('unsure');
    expect(intent('Cancellation', 'About the job fair on Thursday. Please cancel.')).toBe('unsure');
    // The consultation taken up, or only a name: the request is ours.
    expect(intent('キャンセルのお願い', '明日10時の相談の件です。よろしくお願いします。')).toBe('cancel');
    expect(intent('キャンセルのお願い', '山田太郎です。よろしくお願いします。')).toBe('cancel');
  });

  it('which booking: the phrase cancelled says it when it names a day itself, not every day of the sentence', () => {
    const named = (text: string) => {
      const i = detectIntent(mail('', text), scope);
      return i.kind === 'cancel' ? i.named : undefined;
    };
    expect(named('明日ではなく、来週の相談をキャンセルしてください')).toMatchObject({
      daysAhead: [],
      weeksAhead: [1],
    });
    expect(named('来月から仕事なので、明日の相談をキャンセルします')).toMatchObject({
      daysAhead: [1],
      monthsAhead: [],
    });
    expect(named("Keep tomorrow's consultation, but please cancel the one next month.")).toMatchObject({
      daysAhead: [],
      monthsAhead: [1],
    });
    // Nothing of a day in the phrase (今回 is no day): the sentence's days, as before.
    expect(named('明日面接があるので、今回の相談をキャンセルします')).toMatchObject({ daysAhead: [1] });
    expect(named('I have to cancel this, as I have an interview tomorrow.')).toMatchObject({
      daysAhead: [1],
    });
    expect(named('明日は用事があるので予約をキャンセルします')).toMatchObject({ daysAhead: [1] });
  });

  it('quoted text is not the sender’s words: a thank-you quoting our cancellation rules is not a cancel', () => {
    const text = 'ありがとうございます。\n\n> キャンセルは電話またはメールで。\n> 当日のキャンセルは電話のみ';
    expect(ownWords(text)).toBe('ありがとうございます。\n');
    expect(intent('Re: ご予約のご案内', text)).toBe('other');
    const outlook = 'よろしくお願いします\n-----Original Message-----\nキャンセルは電話で';
    expect(intent('', outlook)).toBe('other');
  });

  it.each([
    ['Gmail (ja)', '2026年12月3日(木) 10:00 ハローワーク <consult@example.jp>:'],
    ['iOS (ja)', '2026/12/03 10:00、ハローワーク <consult@example.jp>のメール:'],
    ['Thunderbird (ja)', '2026/12/03 10:00 に ハローワーク さんは書きました:'],
    ['Gmail (en), wrapped', 'On Thu, Dec 3, 2026 at 10:00 AM Hello Work <consult@example.jp>\nwrote:'],
    [
      'Gmail (en), wrapped at the address',
      'On Thu, Dec 3, 2026 at 10:00 AM Hello Work <\nconsult@example.jp> wrote:',
    ],
    // Gmail's HTML made text by mailparser: the link's address in brackets, the line wrapped.
    [
      'Gmail (ja) from HTML',
      '2026年12月3日(木) 10:00 ハローワーク <consult@example.jp\n[consult@example.jp]>:',
    ],
  ])(
    'a reply quoted without "> " marks, after an attribution line (%s), is not the sender’s words',
    (_c, head) => {
      const text = `承知しました。\n\n${head}\nキャンセルは電話またはメールで。\n当日のキャンセルは電話のみ`;
      expect(ownWords(text).trim()).toBe('承知しました。');
      // A line of the sender's own with a colon, an address or a time is not a quote's start.
      expect(ownWords('連絡先: taro@example.jp\n明日10:00の予約をキャンセルします')).toContain('キャンセル');
    },
  );

  it.each([
    '-----Original Message-----',
    '-------- 転送メッセージ --------',
    '----- 転送元 -----',
    '――――― 元のメール ―――――',
    '＝＝＝ 転送 ＝＝＝',
    'Begin forwarded message:',
  ])('a forwarded message after a separator (%s) is not the sender’s words', (sep) => {
    const text = `企業からのメールを転送します。\n\n${sep}\n明日の予約をキャンセルしてください。`;
    expect(ownWords(text).trim()).toBe('企業からのメールを転送します。');
    // A rule in a signature is not a separator: the lines after it are still the sender's.
    expect(ownWords('よろしくお願いします\nーーーーーーーー\n山田太郎')).toContain('山田太郎');
  });

  it.each(['Re: ', 'RE：', 'Re[2]: ', 'Re^2: ', 'ＲＥ：', 'AW: ', '返信: '])(
    'a reply’s subject (%s…) is ours, not the sender’s words',
    (prefix) => {
      expect(
        intent(`${prefix}オンライン職業相談のキャンセルのご案内をお願いします`, 'ありがとうございます'),
      ).toBe('other');
    },
  );

  it('"キャンセルしません" is not a cancellation', () => {
    expect(intent('', '予定通り参加します。キャンセルしません。')).toBe('other');
  });

  it('a calendar REPLY is read from its text/calendar part, folded lines and all', () => {
    const ics =
      'BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:abc@x\r\nATTENDEE;CN=A;PARTSTAT=DECL\r\n INED:mailto:a@example.jp\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const ical = part('invite.ics', 'text/calendar', ics);
    expect(detectIntent(mail('Declined', ''), scope).kind).toBe('other');
    expect(detectIntent(mail('Declined', '', [ical]), scope)).toEqual({
      kind: 'calendar-reply',
      partstat: 'DECLINED',
      uid: 'abc@x',
      sequence: 0, // absent: RFC 5545's default
    });
    const withSequence = (line: string) =>
      part('invite.ics', 'text/calendar', ics.replace('END:VEVENT', `${line}\r\nEND:VEVENT`));
    expect(detectIntent(mail('Declined', '', [withSequence('SEQUENCE:2')]), scope)).toMatchObject({
      sequence: 2,
    });
    expect(detectIntent(mail('Declined', '', [withSequence('SEQUENCE:two')]), scope)).toMatchObject({
      sequence: Number.NaN,
    });
  });

  it('a calendar proposing another time (METHOD:COUNTER, Outlook\'s "Propose New Time") is a change request (B8)', () => {
    const counter = part(
      'invite.ics',
      'text/calendar; method=COUNTER',
      'BEGIN:VCALENDAR\r\nMETHOD:COUNTER\r\nBEGIN:VEVENT\r\nUID:abc@x\r\nDTSTART:20261211T050000Z\r\nATTENDEE;PARTSTAT=TENTATIVE:mailto:a@example.jp\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
    );
    expect(detectIntent(mail('New Time Proposed: オンライン相談', '', [counter]), scope)).toEqual({
      kind: 'booking-request',
    });
  });

  it('a calendar reply carries its note or files: read as a mail is, only plain requests counting', () => {
    const reply = (partstat: string) =>
      part(
        'invite.ics',
        'text/calendar; method=REPLY',
        `BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u\r\nATTENDEE;PARTSTAT=${partstat}:mailto:a@example.jp\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`,
      );
    const note = (text: string, parts = [reply('ACCEPTED')]) => {
      const i = detectIntent(mail('Accepted: オンライン職業相談', text, parts), scope);
      return i.kind === 'calendar-reply' ? i.note : i.kind;
    };
    expect(note('')).toBeUndefined();
    expect(note('Taro has accepted this invitation.')).toBeUndefined();
    expect(note('参加します。履歴書を添付します。', [reply('ACCEPTED'), PDF])).toBe('documents');
    expect(note('参加しますが、時間を変更できますか')).toBe('change');
    expect(note('やはり明日の相談はキャンセルしたいです')).toBe('cancel');
    expect(note('参加します。Zoomは初めてですが、事前に何か準備が必要ですか？')).toBe('question');
    // Our invitation's own text, quoted by the client, asks nothing.
    expect(note('当日のキャンセルは電話のみ受け付けます')).toBeUndefined();
  });

  it('files on a cancellation: the booking is cancelled and staff see the files (no one else would)', () => {
    expect(
      detectIntent(mail('', '明日の相談はキャンセルします。履歴書を添付します。', [PDF]), scope),
    ).toMatchObject({
      kind: 'cancel',
      also: 'files attached',
    });
    expect(
      detectIntent(mail('', '明日の相談はキャンセルします。次の予約はどうすればいいですか。', [PDF]), scope),
    ).toMatchObject({ kind: 'cancel', also: 'a question; files attached' });
  });

  it.each([
    ['先ほどのメールは誤送信です。添付ファイルは削除してください。', 'files said to be sent by mistake'],
    ['Sorry, I attached the wrong file by mistake. Please delete it.', 'files said to be sent by mistake'],
    ['妻の履歴書です。', 'files said to be another person’s'],
    ["My son's resume is attached.", 'files said to be another person’s'],
  ])('files taken back or another person’s are not forwarded (P5): staff read %s', (text, reason) => {
    expect(detectIntent(mail('', text, [PDF]), scope)).toEqual({ kind: 'unsure', rule: 'D1', reason });
  });

  it('files with a question: the files are documents, and what the text asks is kept for staff', () => {
    expect(detectIntent(mail('', '履歴書を送ります。', [PDF]), scope)).toEqual({ kind: 'documents' });
    expect(detectIntent(mail('', '履歴書です。時間を変更できますか。', [PDF]), scope)).toEqual({
      kind: 'documents',
      also: 'booking or change request (B8)',
    });
    expect(detectIntent(mail('', '履歴書です。キャンセルするかもしれません。', [PDF]), scope)).toMatchObject({
      kind: 'documents',
      also: expect.stringMatching(/^possible cancellation/),
    });
    // A question in words, with or without a question mark; not one asked only on a condition.
    for (const text of ['履歴書です。これでよろしいでしょうか。', '職務経歴書です。書き方を教えてください'])
      expect(detectIntent(mail('', text, [PDF]), scope), text).toEqual({
        kind: 'documents',
        also: 'a question',
      });
    for (const text of [
      '書類を送ります。不足があれば教えてください。',
      'Here is my CV. Let me know if you need more.',
      '履歴書です。添削していただけますでしょうか。', // what the staff member receiving it does (D1)
      '職務経歴書を送ります。ご確認いただけますか',
      'Could you review my resume?',
    ])
      expect(detectIntent(mail('', text, [PDF]), scope), text).toEqual({ kind: 'documents' });
  });

  it('a request naming nothing answers what the mail replies to: a reply about another event is not ours', () => {
    expect(intent('Re: 就職セミナーのご案内', '欠席します。')).toBe('unsure');
    expect(intent('Re: 就職相談会のご案内', '欠席します')).toBe('unsure');
    expect(intent('Re: オンライン職業相談のご予約（12月10日 10:00）', '欠席します')).toBe('cancel');
    expect(intent('Re: 12月10日の件', 'キャンセルでお願いします')).toBe('cancel');
    expect(intent('', 'キャンセルでお願いします')).toBe('cancel');
    // The same mail naming another thing to miss in one sentence and nothing in the next.
    expect(intent('説明会の欠席について', '明日は欠席します')).toBe('unsure');
    expect(intent('', "I can't attend the seminar. I'd like to cancel.")).toBe('unsure');
  });

  it('a signed mail’s signature, a key or a contact card is not a document (real corpus mail and made parts)', async () => {
    const signed = await parseMail(
      readFileSync(path.join(CORPUS, 'email-malformed/mailgem__sig_only_email.eml')),
      { maxBytes: 1e6 },
    );
    expect(signed.attachments.map((a) => a.contentType)).toEqual(['application/pgp-signature']);
    expect(detectIntent(signed, scope).kind).toBe('other');
    for (const p of [
      part('smime.p7s', 'application/pkcs7-signature', '0'),
      part('smime.p7s', 'application/octet-stream', '0'), // named, under a generic type
      part('key.asc', 'application/pgp-keys', '-----BEGIN PGP PUBLIC KEY BLOCK-----'),
      part('contact.vcf', 'text/x-vcard', 'BEGIN:VCARD'),
    ])
      expect(intentOf(mail('', 'ありがとうございました', [p])), p.filename).toBe('other');
    // Beside a real document, the document is still one, and alone in the forward (verdict.ts).
    const both = mail('', '履歴書です', [PDF, part('smime.p7s', 'application/pkcs7-signature', '0')]);
    expect(intentOf(both)).toBe('documents');
    expect(documentParts(both.attachments).map((a) => a.filename)).toEqual(['履歴書.pdf']);
  });

  it('a picture shown inside a mail, small, is decoration (Deco-mail emoji, a signature logo), not a document', async () => {
    const deco = await parseMail(
      readFileSync(path.join(CORPUS, 'email-japanese/jpmobile__docomo-decomail.eml')),
      {
        maxBytes: 1e6,
      },
    );
    expect(deco.attachments.map((a) => [a.contentType, a.inline])).toEqual([['image/gif', true]]);
    expect(detectIntent(deco, scope).kind).toBe('other');
    const image = (size: number, inline: boolean) => part('image001.png', 'image/png', '', { size, inline });
    expect(intentOf(mail('', 'よろしくお願いします', [image(6_000, true)]))).toBe('other');
    // A phone's photo of a résumé, inline or attached, and a small picture attached: documents.
    expect(intentOf(mail('', '履歴書です', [image(900_000, true)]))).toBe('documents');
    expect(intentOf(mail('', '写真です', [image(6_000, false)]))).toBe('documents');
  });
});

describe('decision for a cancellation by mail (C1, C2), in JST whatever the process TZ', () => {
  const booking = {
    id: 'bk_1',
    uid: 'u',
    status: 'booked',
    start: '2026-12-16T01:00:00.000Z', // 10:00 JST
    end: '2026-12-16T01:30:00.000Z',
    history: [] as Booking['history'],
  } as Booking;
  const facts = (received: string, over: Partial<Facts> = {}): Facts => ({
    hash: 'h',
    automated: undefined,
    verified: true,
    seekerIds: ['sk_1'],
    upcoming: [booking],
    intent: { kind: 'cancel', sentence: 'キャンセルします', named: namedWhen('', 'キャンセルします') },
    receivedAt: DateTime.fromISO(received, { zone: ZONE }),
    english: false,
    ...over,
  });

  it('a calendar DECLINED cancels only the invitation as it stands: one sent before a reschedule goes to staff', () => {
    const moved = { ...booking, sequence: 1 };
    const declined = (sequence: number) =>
      decide(
        facts('2026-12-14T09:00:00', {
          upcoming: [moved],
          intent: { kind: 'calendar-reply', partstat: 'DECLINED', uid: 'u', sequence },
        }),
      );
    expect(declined(1)).toMatchObject({ action: 'cancel', bookingId: 'bk_1' });
    for (const stale of [0, 2, Number.NaN])
      expect(declined(stale)).toMatchObject({ rule: 'itip-reply', action: 'staff-triage', triage: true });
  });

  it('a calendar reply with a note or files is not reduced to its answer: staff read it (a decline asking for a change cancels nothing, B8)', () => {
    const reply = (partstat: string, note?: ReplyNote) =>
      decide(
        facts('2026-12-14T09:00:00', {
          upcoming: [{ ...booking, sequence: 0 }],
          intent: { kind: 'calendar-reply', partstat, uid: 'u', sequence: 0, ...(note ? { note } : {}) },
        }),
      );
    expect(reply('ACCEPTED')).toMatchObject({ action: 'record-partstat' });
    for (const note of ['documents', 'change', 'cancel'] as const)
      expect(reply('ACCEPTED', note)).toMatchObject({
        rule: 'itip-reply',
        action: 'staff-triage',
        triage: true,
      });
    expect(reply('DECLINED', 'change')).toMatchObject({ action: 'staff-triage', triage: true });
    expect(reply('DECLINED', 'change').bookingId).toBeUndefined();
    expect(reply('DECLINED', 'cancel')).toMatchObject({ action: 'cancel', bookingId: 'bk_1' });
    expect(reply('DECLINED', 'cancel').triage).toBeUndefined();
    // A decline cancels; files or a question sent with it reach staff as well.
    for (const note of ['documents', 'question'] as const)
      expect(reply('DECLINED', note)).toMatchObject({
        action: 'cancel',
        bookingId: 'bk_1',
        triage: true,
        reason: `cancelled by mail before the day; the mail also: ${note}`,
      });
  });

  it('a cancellation that also asks something: cancelled, and the mail goes to staff triage as well', () => {
    const cancelling = (text: string) => {
      const intent = detectIntent(mail('', text), scope);
      return { intent, plan: decide(facts('2026-12-14T09:00:00', { intent })) };
    };
    const plain = cancelling('16日の相談をキャンセルします。よろしくお願いします。');
    expect(plain.plan).toMatchObject({ action: 'cancel', bookingId: 'bk_1' });
    expect(plain.plan.triage).toBeUndefined();
    // A sentence the mailer wrapped: the day on the next line is still the request's own (the
    // booking is Wednesday the 16th), and staff are quoted the whole sentence.
    const wrapped = cancelling('I have to cancel my consultation scheduled for\nWednesday, sorry.');
    expect(wrapped.plan).toMatchObject({ action: 'cancel', bookingId: 'bk_1' });
    expect(wrapped.intent).toMatchObject({
      sentence: 'i have to cancel my consultation scheduled for wednesday, sorry.',
    });
    expect(cancelling('I have to cancel my consultation scheduled for\nFriday, sorry.').plan).toMatchObject({
      action: 'staff-triage',
    });
    for (const [text, also] of [
      ['16日の相談をキャンセルします。次の予約はどうすればいいですか。', 'a question'],
      ['16日の相談をキャンセルします。失業保険の手続きについて教えてください', 'a question'],
      ['16日の相談をキャンセルさせてください。また来月予約したいです', 'booking or change request (B8)'],
      ['16日の相談はキャンセルします。障害者手帳について相談したいです', 'out of scope (B12)'],
      ['Please cancel my appointment on the 16th. Can I book another one next week?', 'a question'],
    ])
      expect(cancelling(text!).plan, text).toMatchObject({
        action: 'cancel',
        bookingId: 'bk_1',
        triage: true,
        reason: `cancelled by mail before the day; the mail also: ${also}`,
      });
    // Asked only on a condition, or whether the mail arrived (the reply answers that): nothing more.
    for (const text of [
      '16日の相談をキャンセルします。何か必要な手続きがあれば教えてください。',
      '16日の相談をキャンセルします。このメールは届いていますか？',
    ])
      expect(cancelling(text).intent, text).not.toHaveProperty('also');
  });

  it('documents with a question: delivered, and the mail goes to staff triage as well', () => {
    const plan = (also?: string) =>
      decide(facts('2026-12-14T09:00:00', { intent: { kind: 'documents', ...(also ? { also } : {}) } }));
    expect(plan()).toMatchObject({ action: 'deliver-documents', bookingId: 'bk_1' });
    expect(plan().triage).toBeUndefined();
    expect(plan('booking or change request (B8)')).toMatchObject({
      action: 'deliver-documents',
      bookingId: 'bk_1',
      reply: 'documents-received',
      triage: true,
    });
  });

  it('a calendar reply that cannot be acted on (calendar-reply.ts: problem) goes to staff, even a DECLINED', () => {
    const plan = decide(
      facts('2026-12-14T09:00:00', {
        intent: {
          kind: 'calendar-reply',
          partstat: 'DECLINED',
          uid: 'u',
          sequence: 0,
          problem: 'a calendar reply about one occurrence of an event',
        },
      }),
    );
    expect(plan).toMatchObject({ rule: 'itip-reply', action: 'staff-triage', triage: true });
    expect(plan.reason).toBe('a calendar reply about one occurrence of an event');
    expect(plan.bookingId).toBeUndefined();
  });

  it('a mail handled late does not cancel a booking made, moved or reinstated after it arrived', () => {
    const at = (iso: string, action: 'book' | 'reschedule' | 'reinstate' | 'attend') =>
      ({ at: iso, action, actor: 'staff', sequence: 0 }) as const;
    const late = (b: Partial<Booking>) =>
      decide(facts('2026-12-14T09:00:00', { upcoming: [{ ...booking, ...b }] }));
    // received 14 Dec 09:00 JST = 00:00 UTC
    expect(
      late({ createdAt: '2026-12-13T10:00:00.000Z', history: [at('2026-12-13T10:00:00.000Z', 'book')] }),
    ).toMatchObject({ action: 'cancel' });
    for (const changed of [
      { createdAt: '2026-12-14T02:00:00.000Z', history: [at('2026-12-14T02:00:00.000Z', 'book')] },
      { createdAt: '2026-12-01T00:00:00.000Z', history: [at('2026-12-14T00:30:00.000Z', 'reschedule')] },
      { createdAt: '2026-12-01T00:00:00.000Z', history: [at('2026-12-14T00:30:00.000Z', 'reinstate')] },
    ])
      expect(late(changed)).toMatchObject({
        rule: 'C1',
        action: 'staff-triage',
        reason: 'the booking was made or changed after this mail arrived',
      });
    // Attendance and the like are not a new booking.
    expect(
      late({ createdAt: '2026-12-01T00:00:00.000Z', history: [at('2026-12-14T00:30:00.000Z', 'attend')] }),
    ).toMatchObject({ action: 'cancel' });
  });

  it('C1: received 23:59:59 JST the day before → cancel, confirming reply', () => {
    expect(decide(facts('2026-12-15T23:59:59'))).toMatchObject({
      rule: 'C1',
      action: 'cancel',
      reply: 'cancelled',
    });
  });
  it('C2: received 00:00:00 JST on the day → refused, phone reply, staff alerted', () => {
    expect(decide(facts('2026-12-16T00:00:00'))).toMatchObject({
      rule: 'C2',
      action: 'same-day-refused',
      reply: 'same-day',
      alertStaff: true,
    });
  });
  it('C2: 00:30 JST is still 15:30 UTC the day before, and still the same day in Japan', () => {
    const f = facts('2026-12-15T15:30:00Z');
    expect(decide({ ...f, receivedAt: DateTime.fromISO('2026-12-15T15:30:00Z') })).toMatchObject({
      rule: 'C2',
    });
  });
  it('ambiguous (several bookings, none, several seekers, unverified) → staff triage, no action', () => {
    for (const over of [
      { upcoming: [booking, { ...booking, id: 'bk_2' }] },
      { upcoming: [] },
      { seekerIds: ['a', 'b'] },
      { verified: false },
    ]) {
      const p = decide(facts('2026-12-10T10:00', over));
      expect(p).toMatchObject({ action: 'staff-triage', triage: true });
      expect(p.reply).toBeUndefined();
    }
  });
  it('B7: a sender who is not a registered seeker on file gets no automatic action and no reply', () => {
    const p = decide(facts('2026-12-10T10:00', { seekerIds: [], upcoming: [] }));
    expect(p).toMatchObject({ rule: 'C1', action: 'staff-triage', reason: 'sender not on file' });
    expect(p.bookingId).toBeUndefined();
  });

  it('automated mail is never acted on nor answered, whatever it says', () => {
    for (const automated of ['auto-reply', 'list', 'read-receipt'] as const) {
      expect(decide(facts('2026-12-10T10:00', { automated }))).toMatchObject({ action: 'ignore-automated' });
    }
    expect(decide(facts('2026-12-10T10:00', { automated: 'own-mail' })).reply).toBeUndefined();
  });
});

import type { Accepted } from './accept.js';
import type { RefusalReason } from './checks.js';

const REASON_JA: Record<RefusalReason, string> = {
  'type-not-allowed': '受け付けていない種類のファイルです（PDF・Word・Excel・画像・テキストのみ）',
  'macro-enabled': 'マクロを含むファイルは受け付けていません',
  'name-content-mismatch': 'ファイル名と中身の種類が一致しません',
  'file-too-large': 'ファイルが大きすぎます',
  'mail-too-large': 'メール全体の添付が大きすぎます',
  'zip-encrypted': 'パスワード付きZIPは受け付けていません。PDFをそのまま添付してお送りください',
  'zip-too-many-entries': 'ZIP内のファイルが多すぎます',
  'zip-too-large': 'ZIPの展開後のサイズが大きすぎます',
  'zip-bomb': 'ZIPの内容が不正です',
  'zip-nested': 'ZIPの中のZIPは受け付けていません',
  'zip-broken': 'ZIPファイルが壊れています',
  'zip-content-not-allowed': 'ZIPの中に受け付けていない種類のファイルがあります',
  'tnef-resend': 'Outlookの形式（winmail.dat）のため開けません。添付ファイルとして送り直してください',
  'pdf-javascript':
    'プログラム（JavaScript）を含むPDFは受け付けていません。印刷用の通常のPDFとして保存し直してお送りください',
  'pdf-launch':
    '他のファイルやプログラムを開く設定を含むPDFは受け付けていません。通常のPDFとして保存し直してお送りください',
  'pdf-embedded-file':
    'ファイルが埋め込まれたPDFは受け付けていません。書類ごとに通常のPDFとして添付してお送りください',
  'pdf-rich-media': '動画などを含むPDFは受け付けていません。通常のPDFとして保存し直してお送りください',
  'pdf-xfa':
    '入力フォーム（XFA）形式のPDFは受け付けていません。印刷用の通常のPDFとして保存し直してお送りください',
  'pdf-encrypted': 'パスワード付きのPDFは開けません。パスワードを外した通常のPDFをお送りください',
  'pdf-unchecked':
    'PDFの安全確認が時間内に終わらなかったため受け付けられませんでした。通常のPDFとして保存し直してお送りください',
  'office-external':
    '外部のファイルやテンプレートを読み込む設定を含むファイルは受け付けていません。PDFに変換してお送りください',
  virus: 'ウイルスが検出されました',
  'scan-unavailable': '安全確認ができなかったため受け付けられませんでした。時間をおいて送り直してください',
  empty: '空のファイルです',
};
const REASON_EN: Record<RefusalReason, string> = {
  'type-not-allowed': 'file type not accepted (PDF, Word, Excel, images, text only)',
  'macro-enabled': 'files with macros are not accepted',
  'name-content-mismatch': 'the file name does not match its content',
  'file-too-large': 'file too large',
  'mail-too-large': 'attachments too large in total',
  'zip-encrypted': 'password-protected zip files are not accepted; please attach the PDFs directly',
  'zip-too-many-entries': 'too many files in the zip',
  'zip-too-large': 'the zip expands to too much data',
  'zip-bomb': 'the zip is malformed',
  'zip-nested': 'zip files inside zip files are not accepted',
  'zip-broken': 'the zip file is damaged',
  'zip-content-not-allowed': 'the zip contains files of a type not accepted',
  'tnef-resend': 'sent in Outlook’s winmail.dat format; please resend as normal attachments',
  'pdf-javascript': 'PDFs with JavaScript are not accepted; please save it again as a plain PDF',
  'pdf-launch':
    'PDFs that open other files or programs are not accepted; please save it again as a plain PDF',
  'pdf-embedded-file':
    'PDFs with embedded files are not accepted; please attach each document as a plain PDF',
  'pdf-rich-media': 'PDFs with video or rich media are not accepted; please save it again as a plain PDF',
  'pdf-xfa': 'XFA form PDFs are not accepted; please save it again as a plain PDF',
  'pdf-encrypted': 'password-protected PDFs cannot be opened; please send it without a password',
  'pdf-unchecked': 'the PDF could not be checked in time; please save it again as a plain PDF',
  'office-external': 'files that load external templates or files are not accepted; please convert to PDF',
  virus: 'a virus was found',
  'scan-unavailable': 'could not be checked for safety; please try again later',
  empty: 'the file is empty',
};

/** The reason a file was refused, as the seeker was told it (Japanese). */
export const refusalJa = (r: RefusalReason) => REASON_JA[r];

const kindJa = (k: string) => (k === 'other' ? 'その他' : k);

/** Lines for the seeker's acknowledgement: received files with their kind, refused with reasons. */
export function ackLists(a: Accepted, english: boolean) {
  const received = a.accepted.map((d) =>
    english ? `- ${d.filename}` : `・${d.filename}（${kindJa(d.docKind)}）`,
  );
  const refused = a.refused.map((c) =>
    english ? `- ${c.filename}: ${REASON_EN[c.refused!]}` : `・${c.filename}：${REASON_JA[c.refused!]}`,
  );
  const none = english ? '(none)' : '（なし）';
  return { received: received.join('\n') || none, refused: refused.join('\n') || none };
}

/** Lines for the staff member: each document with kind, pages and anything to look at. */
export function staffLines(a: Accepted): string {
  const lines = a.accepted.map((d) => {
    const notes = [
      kindJa(d.docKind),
      d.pages ? `${d.pages}ページ` : '',
      d.pdf === 'encrypted' ? 'パスワード付きPDF' : d.pdf && d.pdf !== 'ok' ? 'PDFの読み取りに失敗' : '',
      d.seekerNumberMatches === false ? '求職番号が予約と一致しません' : '',
    ].filter(Boolean);
    return `・${d.filename}（${notes.join('、')}）  [${d.id}]`;
  });
  const refused = a.refused.map((c) => `・${c.filename}：受付不可（${REASON_JA[c.refused!]}）`);
  return [...lines, ...(refused.length ? ['', '受け付けなかったファイル:', ...refused] : [])].join('\n');
}

// Other people than the sender, named in a mail: one list per language, for every rule that asks
// whose case, absence or file it is (B12 is about the sender's own case; a family member's
// absence is not the sender's cancellation; P5: only the seeker's own documents go to staff).

/** 父が障害者なので, 妻が…参加できません, 妻の履歴書 (surfaces, as the analyser splits them). */
export const OTHERS_JA = new Set([
  '父',
  '母',
  '親',
  '両親',
  '父親',
  '母親',
  '子',
  '子供',
  '子ども',
  '息子',
  '娘',
  '妻',
  '夫',
  '主人',
  '家族',
  '兄',
  '姉',
  '弟',
  '妹',
  '兄弟',
  '姉妹',
  '祖父',
  '祖母',
  '孫',
  '配偶者',
  '友人',
  '友達',
  '知人',
]);

/** "my son is a new graduate", "My wife can't attend", "my son's resume" (singular; plurals in use). */
export const OTHERS_EN = [
  'son',
  'daughter',
  'child',
  'children',
  'kid',
  'father',
  'mother',
  'mom',
  'dad',
  'parent',
  'husband',
  'wife',
  'partner',
  'brother',
  'sister',
  'family',
  'friend',
  'relative',
];

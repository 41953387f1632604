import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { francAll as francsOwn } from 'franc';
import { describe, expect, it } from 'vitest';
import { francAll } from '../../../shared/cleaning/franc.js';
import { sharedFile } from '../../helpers/samples.js';

const ROOT = resolve(import.meta.dirname, '../../..');
/** The evaluation data beside the project, when this machine has it. */
const EVAL = sharedFile('eval-data');

/** Texts in many scripts and languages: the samples, some sentences, and edge cases franc treats apart. */
const texts = [
  ...readdirSync(join(ROOT, 'samples')).map((name) => readFileSync(join(ROOT, 'samples', name), 'utf8')),
  'The minister said the new bridge would open next spring, after two years of work.',
  'Le ministre a déclaré que le nouveau pont ouvrirait au printemps prochain.',
  'El ministro dijo que el nuevo puente se abriría la próxima primavera.',
  'O ministro disse que a nova ponte abriria na próxima primavera.',
  'De minister zei dat de nieuwe brug volgend voorjaar opengaat.',
  'Министр заявил, что новый мост откроется следующей весной.',
  'Міністр заявив, що новий міст відкриється наступної весни.',
  'قال الوزير إن الجسر الجديد سيفتح في الربيع المقبل بعد عامين من العمل.',
  'وزیر گفت که پل جدید بهار آینده پس از دو سال کار باز می‌شود.',
  'מנהל העבודה אמר שהגשר החדש ייפתח באביב הבא.',
  'मंत्री ने कहा कि नया पुल अगले वसंत में खुलेगा।',
  '장관은 새 다리가 내년 봄에 개통될 것이라고 말했다.',
  '部长说新桥将于明年春天开通。',
  'Ο υπουργός είπε ότι η νέα γέφυρα θα ανοίξει την επόμενη άνοιξη.',
  '12345 67890 !!!',
  'ab',
  '',
];

const ONLY = [
  [],
  ['eng', 'fra', 'spa', 'por', 'deu', 'nld', 'ita'],
  ['arb', 'pes', 'urd', 'prs'],
  ['rus', 'ukr'],
  ['heb'],
  ['kor', 'cmn'],
];

describe('francAll with models built on first use', () => {
  it("ranks every text as franc's own francAll does, with and without a list of languages", () => {
    for (const text of texts) {
      for (const only of ONLY) {
        for (const minLength of [1, 10]) {
          // Act
          const ours = francAll(text, { only, minLength });

          // Assess
          expect(ours, `${text.slice(0, 40)} among ${only.join(',') || 'all'}`).toEqual(
            francsOwn(text, { only, minLength }),
          );
        }
      }
    }
  });

  it.skipIf(EVAL === null)('ranks the evaluation pages as franc does', () => {
    const files = readdirSync(EVAL as string, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && /\.(txt|html)$/.test(d.name))
      .slice(0, 60);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(join(file.parentPath, file.name), 'utf8').slice(0, 5000);
      expect(francAll(text, { minLength: 1 })).toEqual(francsOwn(text, { minLength: 1 }));
    }
  });
});

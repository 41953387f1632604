/**
 * The offline engine's furniture check reads a line through its timestamp
 * patterns only when it has a digit, which a timestamp needs: it says what
 * it said of every line. Compared with the old code (copied here as it
 * was) over the fixtures' sentences and lines, and random lines of dates,
 * times, digits, bylines and table cells.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFurniture } from '../../../shared/analysis/claims.js';
import { splitSentences } from '../../../shared/analysis/sentences.js';
import { fixtureArticles } from '../../helpers/samples.js';

const DATE_WORDS =
  /(?<!\p{L})(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)(?!\p{L})|يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر|كانون|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين/giu;

function oldIsFurniture(sentence: string): boolean {
  const line = sentence.trim();
  if (/^(?:[-•*·▪◦–]|\d+[.)])?\s*$/u.test(line)) return true;
  if ((line.match(/[|\t]/g) ?? []).length >= 2) return true;
  if (/^(?:by|par|بقلم|كتب)\s+\p{L}/iu.test(line) && line.split(/\s+/).length <= 8 && !/\p{Nd}/u.test(line)) {
    return true;
  }
  if (
    /^(?:publié|mis à jour|modifié|updated|published|posted|last updated|تم النشر|نشر في|آخر تحديث)(?!\p{L})/iu.test(
      line,
    )
  )
    return true;
  const words = line
    .replace(DATE_WORDS, ' ')
    .replace(/[\p{Nd}]+(?:[:h./-][\p{Nd}]+)*/gu, ' ')
    .replace(/(?<!\p{L})(?:à|le|la|de|du|at|on|the|am|pm|gmt|utc|cet|est|h|في|الساعة)(?!\p{L})/giu, ' ')
    .split(/[^\p{L}]+/u)
    .filter(Boolean);
  return /\p{Nd}/u.test(line) && words.length <= 1;
}

describe("the offline engine's furniture check", () => {
  it("says what it said of each fixture sentence and line, and of random timestamps' pieces", () => {
    const lines = fixtureArticles().flatMap((a) => [...splitSentences(a).map((s) => s.text), ...a.split('\n')]);
    for (const line of lines) expect(isFurniture(line)).toBe(oldIsFurniture(line));
    const pieces = [
      '12',
      '١٢',
      ':',
      '/',
      'h',
      ' ',
      'March',
      'lundi',
      'GMT',
      'à',
      'By',
      'Par',
      'the',
      'x',
      '|',
      '\t',
      '-',
      '2025',
      'يناير',
      'في',
      'updated',
      '.',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), (parts) => {
        const line = parts.join('');
        expect(isFurniture(line)).toBe(oldIsFurniture(line));
        expect(isFurniture(parts.join(' '))).toBe(oldIsFurniture(parts.join(' ')));
      }),
      { numRuns: 3000 },
    );
  });
});

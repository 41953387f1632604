import type { Checks, Claim } from '../../article.js';
import { selectClaims } from '../claim-policy.js';
import type { AnalysisOutput } from './schemas.js';

/** A raw claim after grounding: its evidence, where it is, and whether it states what the claim states. */
export type LocatedClaim = Omit<AnalysisOutput['claims'][number], 'sentences'> & {
  evidence: string;
  start: number | null;
  end: number | null;
  grounded: boolean;
  match: Claim['match'] | null;
  matchScore: number | null;
  unsupported?: string[];
};

/**
 * The claims kept from the grounded ones: the same claim twice (one
 * evidence may state several; overlapping parts state the same) counts
 * once; ungrounded claims are dropped when configured to be, else flagged;
 * the policy keeps the best-grounded, most check-worthy, in reading order.
 */
export function keepClaims(
  located: LocatedClaim[],
  dropUngrounded: boolean,
): { claims: Claim[]; counts: Checks['claims'] } {
  const seen = new Set<string>();
  const unique = located.filter((c) => {
    const key = `${c.start === null ? c.evidence : `${c.start}:${c.end}`}\u0000${c.text.toLocaleLowerCase().replace(/\s+/gu, ' ').trim()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const ungrounded = unique.filter((c) => !c.grounded).length;
  const kept = selectClaims(dropUngrounded ? unique.filter((c) => c.grounded) : unique);
  return {
    claims: kept.map((c) => ({
      id: c.id,
      text: c.text,
      speaker: c.speaker,
      kind: c.kind,
      evidence: c.evidence,
      start: c.start,
      end: c.end,
      grounded: c.grounded,
      match: c.match,
      matchScore: c.matchScore,
      ...(c.unsupported ? { unsupported: c.unsupported } : {}),
      checkworthiness: Math.round(c.checkworthiness * 100) / 100,
      ...(c.checkworthinessReason ? { checkworthinessReason: c.checkworthinessReason } : {}),
    })),
    counts: {
      total: unique.length,
      grounded: unique.length - ungrounded,
      ungrounded,
      unsupported: unique.filter((c) => c.start !== null && !c.grounded).length,
      dropped: dropUngrounded ? ungrounded : 0,
    },
  };
}

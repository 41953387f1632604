/**
 * What pages and pastes carry around an article that is not the article:
 * share bars, "read more" and "related" links, captions and photo credits,
 * timestamps, widget labels, copyright lines. Recognised by their form, on
 * any site; never by a site's name.
 */

const SHARE_WORDS =
  /^(share|share this|share this article|share on|tweet|email|e-mail|print|facebook|twitter|x|whatsapp|telegram|linkedin|reddit|pinterest|pint|pin|messenger|copy link|comments?|baixar|download|flipboard|tumblr|vk|line|viber|sms)$/i;

const RULES: RegExp[] = [
  /^(read more|read also|see also|see more|related|related (stories|articles|posts|coverage|links|content)|more on this|more from .{1,40}|more stories|advertisement|advert|sponsored( content)?|ad|don'?t miss|you may also like|recommended( for you)?|trending( now)?|most (read|popular|viewed)|popular (stories|posts)|editor'?s picks?|top stories|tags?|topics?|filed under|categories|share this|comments?|leave a (comment|reply)|sign in|log in|login|register|subscribe|menu|search|close|open|caption|next|previous|prev|play|pause|loading\.*|skip to (main )?content|back to top)\b[\s:.…!»›>|-]*$/i,
  /^(read more|read also|see also|see more|related|more|don'?t miss|watch|listen)\s*[:|»›>-]\s*.{0,140}$/i,
  /^(click here|subscribe|sign up|follow us|join our|download our app|get the .{0,40} app)\b.{0,140}$/i,
  /\b(subscribe|sign up|register)( now| here| today| for free)?[.!]?$/i,
  /^(share|follow us)( on| via)?[:\s].{0,80}$/i,
  /\b(subscribe|sign up|register)\b.{0,60}\bnewsletters?\b.{0,40}$/i,
  /\bfollow (him|her|them|me|us) (on|at|@)\s*(twitter|facebook|instagram|x|linkedin|@)/i,
  /^(this (post|article|page) (may )?contains? affiliate|post (a )?comment\b|tell us what you think|want more stories like this|like this story\b|more (great |top )?[\p{L} ]{0,30}stories$|this (document|article|material) is subject to copyright)/iu,
  /^.{0,150}\bcontributed (reporting )?to this (report|article|story)\.?$/i,
  /^\(?(additional )?(reporting|writing|editing) by\b.{0,150}\)?\.?$/i,
  /(©|\(c\)|copyright)\s*\d{4}\b/i,
  // A postal address with telephone and fax numbers: the publisher's contact block.
  /\d[\d\s().-]{6,}\d\s*(tel|fax|phone)\b.{0,60}\d[\d\s().-]{6,}\d\s*(fax|tel|phone)\b|\b(tel|phone|fax)\.?:?\s*\+?[\d\s().-]{7,}.{0,40}\b(fax|tel)\.?:?\s*\+?[\d\s().-]{7,}/i,
  // An author's contact line: "Have a tip? Jane Doe may be reached at jdoe@example.com."
  /^(have a (story )?tip\b|.{0,80}\b(may|can) be reached at\b|.{0,60}\b(contact|reach|e-?mail) (him|her|them|the author|us)\b).{0,140}@[\w-]+\.[\w.-]+/i,
  /^(©|\(c\)|copyright\b|all rights reserved).{0,140}$/i,
  /^(photo|image|picture|video|credit|graphic|illustration|foto|bild)s?\s*(credit)?\s*:.{0,140}$/i,
  /\((image|photo|picture|credit|getty|ap|afp|reuters)s?(:[^)]{0,60})?\)\s*$/i,
  /\((photo|image|picture)s?\s+(by|credit|courtesy)\b[^)]{0,100}\)\s*$/i,
  /^image \d+ of \/? ?\d+$/i,
  /^(https?:\/\/|www\.)\S+$/i,
  /^\|?\s*(updated|published|first published|posted|last updated|last modified|modified)\b[\s:,].{0,80}\d.{0,40}$/i,
  /^[\w.+-]+@[\w-]+(\.[\w-]+)+$/,
  /^(twitter|facebook|instagram|linkedin)\.com\/\S+$/i,
  // French, Spanish, German, Italian and Portuguese: "read also" and "share" lines.
  /^(lire aussi|à lire aussi|a lire aussi|voir aussi|lire la suite|en savoir plus|lee también|lea también|leer también|leer más|ver también|te puede interesar|lesen sie auch|auch interessant|mehr zum thema|weiterlesen|leggi anche|leia também|leia mais|veja também)\b.{0,140}$/iu,
  /^(?:(?:partager|compartir|teilen|condividi|compartilhar)(?:\s+(?:sur|en|auf|su|no|na|par|via|por))?\s+[\p{L}.]+\s*){1,6}$/iu,
  /^(?:auf\s+[\p{L}.]+\s+teilen\s*)+$/iu,
  // Headings of what follows an article ("you may also like", comments, contact, sources), as a
  // whole line, in English, German, French, Spanish, Italian and Portuguese.
  /^(you might also like|you may also be interested in|further reading|more information|more articles|related posts|similar posts|no comments( yet)?|\d+ comments?|contact( us)?|sources?|das könnte (sie|dich) auch interessieren|empfohlene (beiträge|artikel)|ähnliche (beiträge|artikel|themen)|verwandte (beiträge|artikel|themen)|weitere (artikel|beiträge|informationen|infos|links|themen)|weiterführende links?|schon gelesen|siehe auch|zum weiterlesen|keine kommentare|\d+ kommentare?|kommentare?|kommentar schreiben|themen im artikel|schlagwörter|schlagworte|kontakt|quellen?|à voir aussi|a voir aussi|sur le même sujet|articles similaires|dans la même rubrique|permalien|aucun commentaire|commentaires?|noticias relacionadas|artículos relacionados|también te puede interesar|más información|comentarios|sin comentarios|articoli correlati|potrebbe interessarti anche|commenti|artigos relacionados|comentários)\b[\s:.…!?»›>|-]*$/iu,
  /^(titelbild|abbildung|bildquelle|fotos?|quelle|source|crédit photo|photo|foto de portada)\s*:.{0,140}$/iu,
  // Arabic pastes: "read also", "read more", "share on…", "follow us on…".
  /^(اقرأ أيضا|اقرأ أيضاً|اقرأ المزيد|للمزيد|شارك|شاركنا|تابعونا|تابعنا|انشر)(?=[\s:،]|$).{0,120}$/u,
];

/** The most words a line of share buttons has ("Share Facebook Twitter Email …"). */
const MAX_SHARE_WORDS = 8;

/** A line that is page furniture, not article text. */
export function isBoilerplateLine(paragraph: string): boolean {
  const p = paragraph.trim();
  if (p.length === 0) return true;
  if (p.length <= 160 && RULES.some((rule) => rule.test(p))) return true;
  // Nine words are enough to tell more than eight: a 4.5 MB line is not split into a million of them.
  // (At most one empty piece comes first, when the line starts with a separator.)
  const words = p.split(/[\s|,/•·]+/, MAX_SHARE_WORDS + 2).filter(Boolean);
  return words.length > 0 && words.length <= MAX_SHARE_WORDS && words.every((w) => SHARE_WORDS.test(w));
}

/**
 * The reader page's style sheet. Two panes side by side from 50rem (800 px)
 * up, each scrolling on its own, so opening an article never moves the
 * list and the list never moves the article; one column below that, with
 * the list folded away while an article is open. From 90rem (1,440 px) the
 * claims and the text stand side by side, the text scrolling on its own.
 */
export const STYLE = `
:root { color-scheme: light dark; --fg: #1b1b1f; --muted: #5f6368; --line: #d9d9de; --bg: #fff; --accent: #0b57d0;
  --mark: #fff1a8; --mark-on: #ffd54f; --current: #e8f0fe; --ok: #137333; --warn: #b06000; --bad: #c5221f;
  font-family: system-ui, sans-serif; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8ea; --muted: #a0a3a8; --line: #3a3b3f; --bg: #151517;
  --accent: #8ab4f8; --mark: #5c4d00; --mark-on: #8a6d00; --current: #1f2b3d; --ok: #81c995; --warn: #fdd663; --bad: #f28b82; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.5; overflow-wrap: anywhere; }
a { color: var(--accent); }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -100vw; } .skip:focus { left: .5rem; top: .5rem; z-index: 1; background: var(--bg); padding: .25rem .5rem; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.1rem; margin: 0; } header h1 a { color: inherit; text-decoration: none; }
#tagline { flex: 1 1 12rem; }
#account { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-left: auto; }
form#key { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; } form#key input { min-width: 0; width: 14rem; max-width: 100%; }
[hidden] { display: none !important; }
main { display: grid; grid-template-columns: minmax(0, 1fr); }
aside, section#article { min-width: 0; padding: 1rem; }
section#article:focus { outline: none; }
#list-toggle { display: none; }
.muted { color: var(--muted); } .small { font-size: .85rem; } .error { color: var(--bad); }
.notice { border: 1px solid var(--line); border-left: 4px solid var(--warn); padding: .75rem 1rem; border-radius: .25rem; }
#drop { border: 2px dashed var(--line); border-radius: .5rem; padding: .5rem .75rem; text-align: center; margin-bottom: 1rem; }
#drop p { margin: .25rem 0; } #drop.over { border-color: var(--accent); } progress { width: 100%; }
#file { max-width: 100%; }
ul#list { list-style: none; padding: 0; margin: .5rem 0 0; } ul#list li { border-bottom: 1px solid var(--line); }
ul#list a { display: block; padding: .5rem; color: inherit; text-decoration: none; border-left: 3px solid transparent; }
ul#list a:hover { background: color-mix(in srgb, var(--accent) 8%, transparent); }
ul#list a[aria-current="page"] { background: var(--current); border-left-color: var(--accent); }
ul#list .name { font-weight: 500; }
.status { font-size: .75rem; font-weight: 600; padding: 0 .35rem; border-radius: .25rem; border: 1px solid currentColor; }
.s-DONE { color: var(--ok); } .s-PARTIAL { color: var(--warn); } .s-FAILED { color: var(--bad); }
h2#title { margin: 0 0 .75rem; font-size: 1.35rem; line-height: 1.3; } h2#title:focus { outline: none; }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15rem 1rem; font-size: .85rem; margin: 0 0 1rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
.langs { display: flex; flex-wrap: wrap; gap: .35rem; } .langs button[aria-pressed="true"] { font-weight: 700; outline: 2px solid var(--accent); }
ol#claims { padding-left: 1.5rem; margin: 0; } ol#claims li { margin-bottom: .6rem; }
ol#claims button.claim { all: unset; display: block; cursor: pointer; border-radius: .25rem; padding: .15rem .3rem; }
ol#claims button.claim:focus-visible { outline: 2px solid var(--accent); }
ol#claims li.on button.claim { background: var(--mark); } .claim-text, .meta { display: block; }
.flag { font-size: .75rem; margin-left: .4rem; }
#text { white-space: pre-wrap; padding-top: .5rem; }
mark { background: var(--mark); color: inherit; cursor: pointer; } mark.on { background: var(--mark-on); outline: 2px solid var(--accent); }
.text-pane { border-top: 1px solid var(--line); margin-top: 1rem; }
@media (max-width: 49.99rem) {
  #tagline { display: none; }
  #list-toggle { display: inline-block; margin-bottom: .5rem; }
  aside { border-bottom: 1px solid var(--line); }
  aside.folded #list-body { display: none; }
}
@media (min-width: 50rem) {
  body { display: flex; flex-direction: column; height: 100vh; height: 100dvh; }
  header { flex: none; }
  main { flex: 1; min-height: 0; grid-template-columns: minmax(15rem, 22rem) minmax(0, 1fr); }
  aside { border-right: 1px solid var(--line); overflow: auto; }
  section#article { overflow: auto; padding: 1rem 1.5rem; }
  section#article > * { max-width: 60rem; }
}
@media (min-width: 50rem) { body.no-list main { grid-template-columns: minmax(0, 1fr); } }
@media (min-width: 90rem) {
  main { grid-template-columns: minmax(18rem, 24rem) minmax(0, 1fr); }
  section#article > * { max-width: none; }
  .body { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.25fr); gap: 2rem; align-items: start; }
  .text-pane { position: sticky; top: 0; max-height: calc(100dvh - 5rem); overflow: auto; border-top: 0; margin-top: 0;
    border-left: 1px solid var(--line); padding-left: 1.5rem; }
}
`;

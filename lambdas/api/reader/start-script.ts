/**
 * The end of the reader page's script: uploads by drag and drop (through a
 * presigned URL, followed until the article ends), the routes (`#/articles/ID`),
 * the controls' handlers, and the start: authorization first, then the list.
 */
export const START = String.raw`
const TYPES = { html: 'text/html', htm: 'text/html', txt: 'text/plain', md: 'text/markdown', markdown: 'text/markdown', json: 'application/json' };

function put(url, headers, file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onload = () => (request.status < 300 ? resolve() : reject(new Error('The bucket refused the upload (HTTP ' + request.status + ').')));
    request.onerror = () => reject(new Error('The upload could not be sent.'));
    request.send(file);
  });
}

async function upload(file) {
  const row = el('div', { class: 'small', 'data-upload': file.name }, el('div', {}, file.name, ' ', el('span', { class: 'muted', 'data-phase': '' }, 'uploading')), el('progress', { max: 1, value: 0 }));
  $('#uploads').prepend(row);
  const phase = row.querySelector('[data-phase]');
  const bar = row.querySelector('progress');
  try {
    const ext = (file.name.split('.').pop() || '').toLowerCase();
    const ticket = await api('/articles', { method: 'POST', body: JSON.stringify({ filename: file.name, contentType: TYPES[ext] || file.type || 'application/octet-stream', size: file.size }) });
    await put(ticket.upload.url, ticket.upload.headers, file, (share) => { bar.value = share; });
    bar.removeAttribute('value');
    for (let tries = 0; tries < 600; tries++) {
      let article = null;
      try { article = await api('/articles/' + ticket.id); } catch (error) { if (error.status !== 404) throw error; }
      phase.textContent = article ? article.status : 'waiting for the cleaner';
      if (article && TERMINAL.includes(article.status)) {
        bar.value = 1;
        phase.replaceChildren(statusBadge(article.status), ' ', el('a', { href: '#/articles/' + ticket.id }, 'open'));
        await loadList(false);
        location.hash = '#/articles/' + ticket.id;
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    phase.textContent = 'still working: see the list later';
  } catch (error) {
    phase.replaceChildren(el('span', { class: 'error' }, error.message));
  }
}

function route() {
  const match = /^#\/articles\/([a-f0-9]{24})$/.exec(location.hash);
  if (match) return showArticle(match[1]);
  state.openId = null;
  markCurrent();
  fold(false);
  $('#article').replaceChildren(el('p', { class: 'muted' }, 'Pick an article from the list, or drop a file there to upload it.'));
}

$('#status').addEventListener('change', (event) => { state.status = event.target.value; loadList(false).catch(() => {}); });
$('#more').addEventListener('click', () => loadList(true).catch(() => {}));
$('#list-toggle').addEventListener('click', () => fold(!$('#aside').classList.contains('folded')));
arrowKeys($('#list'), 'a');
// Escape in the article goes back to its row in the list.
$('#article').addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  fold(false);
  const link = document.querySelector('#list a[aria-current="page"]') || document.querySelector('#list a');
  if (link) { link.focus({ preventScroll: true }); reveal(link); }
});
const drop = $('#drop');
drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => { event.preventDefault(); drop.classList.remove('over'); for (const file of event.dataTransfer.files) upload(file); });
$('#file').addEventListener('change', (event) => { for (const file of event.target.files) upload(file); event.target.value = ''; });
window.addEventListener('hashchange', route);
auth.start().then((ready) => (ready ? loadList(false).then(route) : null)).catch((error) => waiting(error.message));
`;

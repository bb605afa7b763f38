// Caravan's operator console: plain JavaScript over the operator API (/api/jobs, /api/runs, /api/dead-letters)
// and the console's read-only /api/console/** endpoints. No build step; every text goes in through textContent.
// Elements and words (times, durations, cron) come from console-format.js.
'use strict';

const state = { session: null, view: null, timer: null, jobs: [], zones: {}, shown: {}, wantedJob: null, types: new Set() };
const FAST = 1500, SLOW = 5000;

// ---------- talking to the hub ----------

async function api(method, path) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && state.session) headers[state.session.csrfHeader] = state.session.csrfToken;
  const response = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 401) {
    window.location.assign('/console/sign-in');
    throw new Error('Your session has ended: sign in again.');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error((body && body.message) || (response.status + ' ' + response.statusText));
    error.status = response.status;
    throw error;
  }
  return body;
}

/** The status line: text, or text with links (the run just started). */
function say(...parts) {
  document.getElementById('status').replaceChildren(...parts);
}

function banner(message) {
  const el = document.getElementById('banner');
  el.textContent = message || '';
  el.hidden = !message;
}

function confirmAction(text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    document.getElementById('confirm-yes').focus();
  });
}

/** The part of the address after '?', as in #runs?job=metabase-vendors or #run?id=42. */
function hashParams() {
  return new URLSearchParams(location.hash.split('?')[1] || '');
}

/** True if this view's data is what is on screen already: then nothing is re-drawn (focus and scroll stay). */
function unchanged(view, data) {
  const key = JSON.stringify(data);
  if (state.shown[view] === key) return true;
  state.shown[view] = key;
  return false;
}

const runLink = (id, attrs) => h('a', { href: '#run?id=' + id, ...(attrs || {}) }, 'run ' + id);

// ---------- views ----------

const views = {
  async jobs() {
    const jobs = await api('GET', '/api/jobs');
    state.jobs = jobs;
    jobs.forEach(job => { state.zones[job.name] = job.timeZone; });
    const running = jobs.some(job => job.lastRun && job.lastRun.status === 'running');
    // Only 'in 12 s' moves with the clock when nothing else changed.
    if (unchanged('jobs', jobs)) {
      document.querySelectorAll('#jobs-table [data-at]').forEach(el => { el.textContent = relative(el.dataset.at); });
      return running;
    }
    const body = document.querySelector('#jobs-table tbody');
    body.replaceChildren(...jobs.map(job => {
      const run = job.lastRun;
      const name = job.name;
      return h('tr', { 'data-job': name, class: job.paused ? 'paused' : null },
        h('th', { scope: 'row' }, h('span', { class: 'name', text: name }),
          job.description ? h('div', { class: 'muted small', text: job.description }) : null),
        h('td', {}, h('div', { class: 'schedule', text: describeCron(job.schedule) }),
          h('div', { class: 'muted small' }, h('code', { text: job.schedule }), ' · ', job.timeZone)),
        h('td', {}, time(job.nextFireTime, job.timeZone), h('div', { class: 'muted small', 'data-at': job.nextFireTime, text: relative(job.nextFireTime) })),
        h('td', { class: 'state' }, !job.enabled ? h('span', { class: 'badge skipped', text: 'disabled' })
          : job.paused ? h('span', { class: 'badge paused', text: 'paused' }) : h('span', { class: 'badge active', text: 'active' })),
        h('td', { class: 'last-run', 'data-run': run ? run.id : null }, run ? [badge(run.status), ' ',
          runLink(run.id, { 'data-action': 'open-run', 'aria-label': 'Run ' + run.id + ' of ' + name, class: 'small' }),
          h('div', { class: 'small' }, time(run.startedAt, job.timeZone), ' · ', h('span', { class: 'duration', text: duration(runSeconds(run)) }),
            run.rows !== null && run.rows !== undefined ? [' · ', h('span', { class: 'rows', text: run.rows + ' rows' })] : ''),
          run.error ? h('div', { class: 'error small', text: run.error }) : null] : badge(null)),
        h('td', { class: 'actions' },
          job.paused
            ? h('button', { type: 'button', 'data-action': 'resume', 'aria-label': 'Resume ' + name, onclick: () => act('POST', '/api/jobs/' + encodeURIComponent(name) + '/resume', 'Resumed ' + name) }, 'Resume')
            : h('button', { type: 'button', 'data-action': 'pause', 'aria-label': 'Pause ' + name, onclick: () => act('POST', '/api/jobs/' + encodeURIComponent(name) + '/pause', 'Paused ' + name) }, 'Pause'),
          h('button', { type: 'button', 'data-action': 'run', 'aria-label': 'Run ' + name + ' now', onclick: () => runNow(name) }, 'Run now')));
    }));
    return running;
  },

  async runs() {
    await knowJobs();
    const job = document.getElementById('runs-job').value;
    const status = document.getElementById('runs-status').value;
    const limit = document.getElementById('runs-limit').value;
    const query = new URLSearchParams({ limit });
    if (job) query.set('job', job);
    if (status) query.set('status', status);
    const runs = await api('GET', '/api/runs?' + query);
    const running = runs.some(run => run.status === 'running');
    if (unchanged('runs', [job, status, limit, runs])) return running;
    const open = new Set([...document.querySelectorAll('#runs-table details[open]')].map(d => d.closest('tr').dataset.run));
    document.querySelector('#runs-table tbody').replaceChildren(...runs.map(run => {
      const zone = state.zones[run.job];
      return h('tr', { 'data-run': run.id, 'data-status': run.status },
        h('td', { class: 'run-id' }, h('a', { href: '#run?id=' + run.id, 'aria-label': 'Run ' + run.id }, String(run.id))),
        h('td', { class: 'run-job', text: run.job }), h('td', { class: 'run-trigger', text: run.trigger }),
        h('td', { class: 'run-started' }, time(run.startedAt, zone)), h('td', { class: 'run-status' }, badge(run.status)),
        h('td', { class: 'run-duration', text: duration(runSeconds(run)) }),
        h('td', { class: 'run-rows', text: run.rows === null ? '—' : run.rows }),
        h('td', { class: 'run-instance small', text: run.instance }),
        h('td', { class: 'run-error' }, run.error ? h('details', { open: open.has(String(run.id)) },
          h('summary', { text: run.error.length > 60 ? run.error.slice(0, 60) + '…' : run.error }),
          h('pre', { class: 'error', text: run.error })) : ''));
    }));
    document.getElementById('runs-count').textContent = runs.length === Number(limit)
      ? 'The newest ' + limit + ' runs; show more to see older ones.' : runs.length + (runs.length === 1 ? ' run.' : ' runs.');
    await drawChart(job);
    return running;
  },

  /** One run (#run?id=N): what GET /api/runs/{id} says, followed while it runs. */
  async run() {
    const id = hashParams().get('id') || '';
    const detail = document.getElementById('run-detail');
    const title = document.getElementById('run-title');
    let run;
    try {
      if (!/^[1-9]\d*$/.test(id)) throw Object.assign(new Error('"' + id + '" is not a run number.'), { status: 400 });
      run = await api('GET', '/api/runs/' + id);
    } catch (e) {
      if (e.status !== 404 && e.status !== 400) throw e;
      if (!unchanged('run', ['missing', id])) {
        title.textContent = 'Run ' + id;
        detail.replaceChildren(h('p', { class: 'error', id: 'run-missing', role: 'alert', text: e.message }));
      }
      return false;
    }
    const running = run.status === 'running';
    if (unchanged('run', run)) return running;
    await knowJobs();
    const zone = state.zones[run.job];
    title.textContent = 'Run ' + run.id;
    const field = (label, name, ...value) => [h('dt', { text: label }), h('dd', { class: name }, ...value)];
    detail.replaceChildren(h('dl', { class: 'run-detail', 'data-run-id': run.id, 'data-status': run.status },
      field('Job', 'run-job', h('a', { href: '#runs?job=' + encodeURIComponent(run.job) }, run.job)),
      field('Status', 'run-status', badge(run.status)),
      field('Trigger', 'run-trigger', run.trigger),
      field('Scheduled for', 'run-scheduled', time(run.scheduledFor, zone)),
      field('Started', 'run-started', time(run.startedAt, zone)),
      field('Finished', 'run-finished', time(run.finishedAt, zone)),
      field('Duration', 'run-duration', duration(runSeconds(run))),
      field('Rows', 'run-rows', run.rows === null ? '—' : String(run.rows)),
      field('Instance', 'run-instance', run.instance),
      field('Error', 'run-error', run.error ? h('pre', { class: 'error', text: run.error }) : '—')));
    return running;
  },

  async 'dead-letters'() {
    const replayed = document.getElementById('dead-letters-replayed').checked;
    const type = document.getElementById('dead-letters-type').value.trim();
    const limit = document.getElementById('dead-letters-limit').value;
    const query = new URLSearchParams({ limit, includeReplayed: replayed });
    if (type) query.set('type', type);
    const letters = await api('GET', '/api/dead-letters?' + query);
    knowTypes(letters);
    // A replayed event still in the outbox is followed until it is delivered or fails again.
    const pending = letters.some(letter => letter.replayOutcome === 'pending');
    if (unchanged('dead-letters', [replayed, type, limit, letters])) return pending;
    const open = new Set([...document.querySelectorAll('#dead-letters-table details[open]')].map(d => d.dataset.key));
    document.querySelector('#dead-letters-table tbody').replaceChildren(...letters.map(letter => {
      let payload = letter.payload;
      try { payload = JSON.stringify(JSON.parse(letter.payload), null, 2); } catch (e) { /* shown as it is */ }
      return h('tr', { 'data-dead-letter': letter.id, class: letter.replayedAt ? 'replayed' : null },
        h('td', { text: letter.id }), h('td', { class: 'letter-type' }, h('code', { text: letter.type })),
        h('td', {}, time(letter.failedAt)), h('td', { class: 'attempts', text: letter.attempts }),
        h('td', {}, h('details', { 'data-key': 'e' + letter.id, open: open.has('e' + letter.id) },
          h('summary', { text: (letter.lastError || '').slice(0, 60) + ((letter.lastError || '').length > 60 ? '…' : '') }),
          h('pre', { class: 'error', text: letter.lastError || '' }))),
        h('td', {}, h('details', { 'data-key': 'p' + letter.id, open: open.has('p' + letter.id) },
          h('summary', { text: 'event ' + letter.eventId }), h('pre', { class: 'payload', text: payload }))),
        h('td', { class: 'replay' }, letter.replayedAt
          ? [h('span', { class: 'badge' }, 'replayed ', time(letter.replayedAt)), ' ', deliveryMark(letter)]
          : h('button', { type: 'button', 'data-action': 'replay', 'aria-label': 'Replay dead letter ' + letter.id,
            onclick: async () => {
              if (await confirmAction('Replay dead letter ' + letter.id + ' (' + letter.type + ', event ' + letter.eventId
                + ')? It goes back into the outbox with a fresh set of attempts.')) {
                await act('POST', '/api/dead-letters/' + letter.id + '/replay', 'Dead letter ' + letter.id + ' is back in the outbox');
              }
            } }, 'Replay')));
    }));
    document.getElementById('dead-letters-count').textContent = letters.length === Number(limit)
      ? 'The newest ' + limit + ' dead letters; show more to see older ones.'
      : letters.length + (letters.length === 1 ? ' dead letter' : ' dead letters') + (type ? ' of type ' + type : '') + '.';
    if (!letters.length) say('No dead letters' + (type ? ' of type ' + type : '') + '.');
    return pending;
  },

  async flows() {
    const flows = await api('GET', '/api/console/flows');
    if (unchanged('flows', flows)) return false;
    const open = new Set([...document.querySelectorAll('#flows details[open]')].map(d => d.dataset.route));
    const first = document.querySelectorAll('#flows details').length === 0;
    document.getElementById('flows').replaceChildren(...flows.map(flow => h('section', { class: 'flow', 'data-flow': flow.name },
      h('h3', { text: flow.name + ' · ' + flow.routes.length + (flow.routes.length === 1 ? ' route' : ' routes') }),
      ...flow.routes.map(route => {
        const slowest = Math.max(0.000001, ...route.steps.map(s => s.totalMillis));
        return h('details', { class: 'route', 'data-route': route.id, open: first || open.has(route.id) },
          h('summary', {}, h('span', { class: 'name', text: route.id }), ' ',
            h('span', { class: 'badge ' + (route.status === 'Started' ? 'active' : 'paused'), text: route.status }), ' ',
            h('span', { class: 'muted small', text: route.exchanges + ' exchanges' + (route.failures ? ', ' + route.failures + ' failed' : '') })),
          h('p', { class: 'small' }, 'from ', h('code', { text: route.from }), route.description ? ' · ' + route.description : '',
            route.source ? h('span', { class: 'muted', text: ' · ' + route.source }) : null),
          h('div', { class: 'scroll' }, h('table', { class: 'steps' },
            h('thead', {}, h('tr', {}, ['#', 'Step', 'Count', 'Failed', 'Mean', 'Max', 'Share of time'].map(t => h('th', { scope: 'col', text: t })))),
            h('tbody', {}, route.steps.map((step, i) => h('tr', { 'data-step': step.id, class: step.failures ? 'failing' : null },
              h('td', { class: 'muted', text: i + 1 }),
              h('td', {}, h('span', { class: 'indent', 'data-depth': step.depth }), h('code', { text: step.kind }), ' ',
                h('span', { text: step.label || '' }), h('span', { class: 'muted small', text: ' ' + step.id })),
              h('td', { class: 'count', text: step.exchanges }), h('td', { class: 'failures', text: step.failures }),
              h('td', { text: step.exchanges ? step.meanMillis.toFixed(2) + ' ms' : '—' }),
              h('td', { text: step.exchanges ? step.maxMillis.toFixed(1) + ' ms' : '—' }),
              h('td', {}, meter(step.depth === 0 ? step.totalMillis / slowest : 0, step.totalMillis))))))));
      }))));
    return false;
  },

  async routes() {
    const files = await api('GET', '/api/routes');
    if (unchanged('routes', files)) return false;
    document.querySelector('#routes-table tbody').replaceChildren(...files.map(file => {
      const error = file.error;
      return h('tr', { 'data-route-file': file.file, class: file.status === 'failed' ? 'failed' : null },
        h('th', { scope: 'row' }, h('span', { class: 'name', text: file.file }), h('div', { class: 'muted small', text: file.location })),
        h('td', { text: file.source }),
        h('td', { class: 'state' }, badge(file.status)),
        h('td', {}, h('ul', { class: 'plain' }, ...file.routes.map(route =>
          h('li', { 'data-route-id': route.id }, h('code', { text: route.id }), ' ', badge(route.status.toLowerCase()))))),
        h('td', { class: 'small' }, file.loadedAt ? time(file.loadedAt) : '—'),
        h('td', { class: 'error small' }, error ? h('span', { 'data-error': '', text:
          error.file + (error.line ? ':' + error.line + (error.column ? ':' + error.column : '') : '') + ': ' + error.message }) : ''));
    }));
    return false;
  },

  async health() {
    const summary = await api('GET', '/api/console/health');
    if (unchanged('health', summary)) return false;
    document.getElementById('health-checks').replaceChildren(...summary.checks.map(check =>
      h('div', { class: 'card check', 'data-check': check.name },
        h('div', { class: 'muted small', text: check.name }), badge(check.status))));
    const metric = (name, tags) => summary.metrics.filter(m => m.name === name
      && Object.entries(tags || {}).every(([k, v]) => m.tags[k] === v));
    const sum = name => {
      const found = metric(name).filter(m => m.value !== null);
      return found.length ? found.reduce((a, m) => a + m.value, 0) : null;
    };
    const ages = metric('caravan_dataset_age_seconds');
    document.querySelector('#datasets-table tbody').replaceChildren(...ages.map(m => {
      const max = metric('caravan_dataset_max_age_seconds', { dataset: m.tags.dataset })[0];
      const fresh = max && m.value !== null && m.value <= max.value;
      return h('tr', { 'data-dataset': m.tags.dataset }, h('th', { scope: 'row', text: m.tags.dataset }), h('td', { text: age(m.value) }),
        h('td', { text: max ? age(max.value) : '—' }), h('td', {}, badge(fresh ? 'fresh' : 'stale')));
    }));
    const numbers = [
      ['Outbox waiting', sum('caravan_outbox_pending')], ['Dead letters', sum('caravan_outbox_dead_letters')],
      ['Telegram queue', sum('caravan_telegram_pending')], ['Telegram 429s', sum('caravan_telegram_throttled_total')],
      ['Amazon quota left today', sum('caravan_amazon_quota_left_today')], ['Amazon throttles', sum('caravan_amazon_throttles_total')],
      ['Active deals', sum('caravan_amazon_active_deals')]];
    document.getElementById('health-numbers').replaceChildren(...numbers.map(([label, value]) =>
      h('div', { class: 'card number', 'data-number': label },
        h('div', { class: 'muted small', text: label }), h('div', { class: 'big', text: value === null ? 'n/a' : format(value) }))));
    document.querySelector('#metrics-table tbody').replaceChildren(...summary.metrics.map(m => h('tr', {},
      h('td', {}, h('code', { text: m.name })), h('td', { class: 'small', text: Object.entries(m.tags).map(([k, v]) => k + '=' + v).join(' ') }),
      h('td', { text: format(m.value) }))));
    return false;
  }
};

/** What became of a replayed dead letter's event (DeadLetters.replayOutcome). */
function deliveryMark(letter) {
  if (letter.replayOutcome === 'delivered') {
    return h('span', { class: 'badge succeeded delivery', 'data-outcome': 'delivered' }, 'delivered ',
      letter.deliveredAt ? time(letter.deliveredAt) : '(the outbox has since pruned the row)');
  }
  if (letter.replayOutcome === 'failed-again') {
    return h('span', { class: 'badge failed delivery', 'data-outcome': 'failed-again' }, 'failed again: dead letter ' + letter.failedAgainAs);
  }
  return h('span', { class: 'badge running delivery', 'data-outcome': 'pending' }, 'waiting in the outbox');
}

/** The types seen so far, offered in the type filter's list. */
function knowTypes(letters) {
  const before = state.types.size;
  letters.forEach(letter => state.types.add(letter.type));
  if (state.types.size !== before) {
    document.getElementById('dead-letter-types').replaceChildren(...[...state.types].sort().map(type => h('option', { value: type })));
  }
}

async function knowJobs() {
  if (!state.jobs.length) {
    state.jobs = await api('GET', '/api/jobs');
    state.jobs.forEach(job => { state.zones[job.name] = job.timeZone; });
  }
  const select = document.getElementById('runs-job');
  if (select.options.length <= 1) {
    state.jobs.forEach(job => select.append(h('option', { value: job.name, text: job.name })));
  }
  // #runs?job=NAME (a run's job link) chooses the job once; the operator's own choice wins after that.
  if (state.wantedJob !== null) {
    select.value = state.wantedJob;
    state.wantedJob = null;
  }
}

async function drawChart(job) {
  const figure = document.getElementById('runs-chart-figure');
  if (!job) { figure.hidden = true; return; }
  const runs = (await api('GET', '/api/runs?limit=50&job=' + encodeURIComponent(job)))
    .filter(run => run.finishedAt).map(run => ({ ...run, seconds: runSeconds(run) })).reverse();
  const chart = document.getElementById('runs-chart');
  chart.replaceChildren();
  figure.hidden = false;
  if (runs.length < 1) {
    document.getElementById('runs-chart-caption').textContent = job + ': no finished runs yet';
    return;
  }
  const W = 600, H = 160, P = 8;
  const maxDuration = Math.max(...runs.map(r => r.seconds), 0.001);
  const maxRows = Math.max(...runs.map(r => r.rows || 0), 1);
  const x = i => runs.length === 1 ? W / 2 : P + i * (W - 2 * P) / (runs.length - 1);
  const barWidth = Math.min(24, Math.max(2, (W - 2 * P) / runs.length * 0.6));
  runs.forEach((run, i) => {
    const height = (H - 2 * P) * run.seconds / maxDuration;
    const bar = svg('rect', { x: x(i) - barWidth / 2, y: H - P - height, width: barWidth, height: Math.max(1, height),
      class: 'bar-' + run.status });
    bar.append(svg('title'));
    bar.firstChild.textContent = 'run ' + run.id + ': ' + duration(run.seconds) + ', ' + (run.rows ?? '—') + ' rows';
    chart.append(bar);
  });
  const points = runs.map((run, i) => x(i) + ',' + (H - P - (H - 2 * P) * (run.rows || 0) / maxRows)).join(' ');
  chart.append(svg('polyline', { points, class: 'rows-line' }));
  document.getElementById('runs-chart-caption').textContent = job + ', last ' + runs.length + ' runs: bars are duration (longest '
    + duration(maxDuration) + '), the line is rows (most ' + maxRows + '). Red bars failed.';
}

async function act(method, path, done) {
  try {
    await api(method, path);
    say(done);
    banner(null);
  } catch (e) {
    banner(e.message);
  }
  await refresh();
}

async function runNow(name) {
  try {
    const started = await api('POST', '/api/jobs/' + encodeURIComponent(name) + '/run');
    say('Started ' + name + ' (', runLink(started.runId, { id: 'started-run' }), ')');
    banner(null);
  } catch (e) {
    banner(e.message);
  }
  await refresh();
}

async function everyJob(paused) {
  const verb = paused ? 'Pause' : 'Resume';
  if (await confirmAction(verb + ' every job (' + state.jobs.length + ')? ' + (paused
    ? 'No job fires on schedule until resumed; runs in progress finish.' : 'Each job fires again on its schedule.'))) {
    await act('POST', paused ? '/api/jobs/pause-all' : '/api/jobs/resume-all', paused ? 'Paused every job' : 'Resumed every job');
  }
}

// ---------- refresh loop and navigation ----------

async function refresh() {
  clearTimeout(state.timer);
  const view = state.view;
  let active = false;
  const focused = focusKey();
  try {
    active = await views[view]();
    restoreFocus(focused);
    document.body.dataset.loaded = view;
    document.getElementById('status').dataset.updated = new Date().toISOString();
    document.title = 'Caravan · ' + view;
  } catch (e) {
    banner(e.message);
  }
  if (view === state.view) state.timer = setTimeout(refresh, active ? FAST : SLOW);
}

/** Where the keyboard focus is, in words that survive a re-draw of the table. */
function focusKey() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const row = el.closest('[data-job],[data-run],[data-dead-letter],[data-route]');
  if (!row) return null;
  const attr = ['data-job', 'data-run', 'data-dead-letter', 'data-route'].find(a => row.hasAttribute(a));
  return { selector: '[' + attr + '="' + CSS.escape(row.getAttribute(attr)) + '"]', action: el.dataset.action, tag: el.tagName };
}

function restoreFocus(key) {
  if (!key || (document.activeElement && document.activeElement !== document.body)) return;
  const row = document.querySelector(key.selector);
  if (!row) return;
  const target = (key.action && row.querySelector('[data-action="' + key.action + '"]'))
    || row.querySelector('[data-action]') || row.querySelector(key.tag.toLowerCase());
  if (target) target.focus();
}

function show() {
  const wanted = (location.hash.slice(1).split('?')[0]) || 'jobs';
  const view = views[wanted] ? wanted : 'jobs';
  state.view = view;
  if (view === 'runs' && hashParams().has('job')) state.wantedJob = hashParams().get('job');
  document.querySelectorAll('main > section').forEach(s => { s.hidden = s.dataset.view !== view; });
  // One run's page belongs to the runs view.
  const current = view === 'run' ? 'runs' : view;
  document.querySelectorAll('nav a[data-view]').forEach(a => {
    if (a.dataset.view === current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  delete document.body.dataset.loaded;
  state.shown = {};
  refresh();
}

/** Hawtio is linked only where the hub mounts it (profile hawtio). */
async function linkHawtio() {
  try {
    const links = await api('GET', '/api/console/links');
    const link = document.getElementById('hawtio-link');
    if (links.hawtio) {
      link.href = links.hawtio;
      link.hidden = false;
    }
  } catch (e) {
    // no link then; the views say what went wrong
  }
}

async function start() {
  try {
    state.session = await api('GET', '/api/console/session');
  } catch (e) {
    banner(e.message);
    return;
  }
  document.getElementById('sign-out-csrf').value = state.session.csrfToken;
  document.getElementById('pause-all').addEventListener('click', () => everyJob(true));
  document.getElementById('resume-all').addEventListener('click', () => everyJob(false));
  for (const id of ['runs-job', 'runs-status', 'runs-limit', 'dead-letters-replayed', 'dead-letters-type', 'dead-letters-limit']) {
    document.getElementById(id).addEventListener('change', refresh);
  }
  document.getElementById('dead-letters-filter').addEventListener('submit', event => { event.preventDefault(); refresh(); });
  document.getElementById('run-lookup').addEventListener('submit', event => {
    event.preventDefault();
    const wanted = '#run?id=' + document.getElementById('run-lookup-id').value.trim();
    if (location.hash === wanted) show(); else location.hash = wanted;
  });
  window.addEventListener('hashchange', show);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
  linkHawtio();
  show();
}

document.addEventListener('DOMContentLoaded', start);

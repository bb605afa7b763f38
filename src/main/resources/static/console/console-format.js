// Caravan console: building elements and putting times, durations, ages, numbers and cron expressions into words.
// Loaded before console.js (both deferred, in order); no build step, every text goes in through textContent.
'use strict';

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function svg(tag, attrs) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs || {})) el.setAttribute(key, value);
  return el;
}

const pad = n => String(n).padStart(2, '0');

/** A time in the given zone (the job's, else the browser's), with UTC in the tooltip. */
function time(iso, zone) {
  if (!iso) return h('span', { class: 'muted', text: '—' });
  const date = new Date(iso);
  let text;
  try {
    text = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone || undefined, year: 'numeric', month: 'short', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZoneName: 'short'
    }).format(date);
  } catch (e) {
    text = date.toISOString();
  }
  return h('time', { datetime: iso, title: 'UTC ' + date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') }, text);
}

function relative(iso) {
  if (!iso) return '';
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  const text = abs < 90 ? abs + ' s' : abs < 5400 ? Math.round(abs / 60) + ' min' : abs < 172800 ? Math.round(abs / 3600) + ' h'
    : Math.round(abs / 86400) + ' days';
  return seconds >= 0 ? 'in ' + text : text + ' ago';
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 1) return Math.round(seconds * 1000) + ' ms';
  if (seconds < 120) return seconds.toFixed(1) + ' s';
  return Math.floor(seconds / 60) + ' min ' + Math.round(seconds % 60) + ' s';
}

function age(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return 'never synced';
  if (seconds < 120) return Math.round(seconds) + ' s';
  if (seconds < 7200) return Math.round(seconds / 60) + ' min';
  if (seconds < 172800) return (seconds / 3600).toFixed(1) + ' h';
  return (seconds / 86400).toFixed(1) + ' days';
}

function badge(status) {
  return h('span', { class: 'badge ' + (status || 'none'), text: status || 'never ran' });
}

function format(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  return Number.isInteger(value) ? value.toLocaleString('en') : value.toLocaleString('en', { maximumFractionDigits: 2 });
}

function meter(share, totalMillis) {
  const bar = h('span', { class: 'meter-bar' });
  bar.style.width = Math.round(Math.max(0, Math.min(1, share)) * 100) + '%';
  return h('span', { class: 'meter', title: (totalMillis / 1000).toFixed(2) + ' s in total' }, bar);
}

// ---------- cron in words (Quartz: second minute hour day-of-month month day-of-week [year]) ----------

const DAYS = { SUN: 'Sunday', MON: 'Monday', TUE: 'Tuesday', WED: 'Wednesday', THU: 'Thursday', FRI: 'Friday', SAT: 'Saturday',
  1: 'Sunday', 2: 'Monday', 3: 'Tuesday', 4: 'Wednesday', 5: 'Thursday', 6: 'Friday', 7: 'Saturday' };
const MONTHS = ['', 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];
const MONTH_NAMES = { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };

function describeCron(expression) {
  const f = (expression || '').trim().split(/\s+/);
  if (f.length < 6) return expression;
  const [sec, min, hour, dom, mon, dow, year] = f;
  const num = v => /^\d+$/.test(v);
  const step = v => { const m = v.match(/^(?:\*|0)\/(\d+)$/); return m ? Number(m[1]) : null; };
  const plural = (n, unit) => n === 1 ? 'every ' + unit : 'every ' + n + ' ' + unit + 's';
  const list = (v, words) => v.split(',').map(part => part.split('-').map(x => words(x)).join(' to ')).join(', ');
  let when;
  if (num(sec) && num(min) && num(hour)) {
    when = 'at ' + pad(hour) + ':' + pad(min) + (sec === '0' ? '' : ':' + pad(sec));
  } else if (hour === '*' && min === '*') {
    when = sec === '*' ? 'every second' : step(sec) ? plural(step(sec), 'second') : 'every minute at second ' + sec;
  } else if (hour === '*' && step(min)) {
    when = plural(step(min), 'minute') + (sec === '0' ? '' : ' at second ' + sec);
  } else if (hour === '*' && num(min)) {
    when = 'every hour at minute ' + min;
  } else if (step(hour) && num(min)) {
    when = plural(step(hour), 'hour') + ' at minute ' + min;
  } else if (num(min) && /^[\d,-]+$/.test(hour)) {
    when = 'at minute ' + min + ' of hour ' + hour.replace(/,/g, ', ').replace(/-/g, ' to ');
  } else {
    when = 'second ' + sec + ', minute ' + min + ', hour ' + hour;
  }
  const days = [];
  if (dow !== '*' && dow !== '?') days.push('on ' + list(dow.toUpperCase(), d => DAYS[d] || d));
  if (dom !== '*' && dom !== '?') days.push(dom === 'L' ? 'on the last day of the month' : 'on day ' + dom + ' of the month');
  if (mon !== '*') days.push('in ' + list(mon.toUpperCase(), m => MONTHS[MONTH_NAMES[m] || Number(m)] || m));
  if (year && year !== '*') days.push('in ' + year);
  if (!days.length && when.startsWith('at ')) days.push('every day');
  return (when + ' ' + days.join(' ')).trim();
}

/** Seconds between a run's start and end (the API gives both times). */
function runSeconds(run) {
  return run.finishedAt ? (new Date(run.finishedAt) - new Date(run.startedAt)) / 1000 : null;
}

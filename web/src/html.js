// SPDX-License-Identifier: MIT
// Text into HTML. Vue's templates escape what they show; the one place the UI builds HTML by hand
// is the ECharts tooltips (charts.js), whose formatters return markup that ECharts puts into the
// page as innerHTML. Every piece of data going there passes through esc, so a resident named
// <img src=x onerror=…> is shown as that text and runs nothing.
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/* s (any value; null and undefined are '') as HTML text, safe between tags and in quoted
 * attributes. */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c])
}

/* Tooltip markup: each line escaped, joined by <br>. */
export function lines(...texts) {
  return texts.map(esc).join('<br>')
}

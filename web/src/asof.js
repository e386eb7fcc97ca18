// SPDX-License-Identifier: MIT
// As of (历史回看, docs/api.md "As of"): the time every answer is asked for, for an after-action
// review. '' is now. The value is a local time of Asia/Shanghai as a datetime-local input gives it
// ("2022-08-28T12:00"), so it needs no time-zone arithmetic in the browser: the API gets it as
// "2022-08-28T12:00:00+08:00" (api.js adds now= to every request) and the address keeps it as
// ?asof=2022-08-28T12:00, so a review link can be shared.
import { reactive } from 'vue'

export const asOf = reactive({ value: '' })

const FORM = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/

/* Sets the time (a datetime-local value; anything else, or '', is now). */
export function setAsOf(v) {
  asOf.value = typeof v === 'string' && FORM.test(v) ? v : ''
}

/* The API's now= for the time, or '' for now. */
export function asOfParam() {
  return asOf.value ? `${asOf.value}:00+08:00` : ''
}

/* The local day of the time (YYYY-MM-DD), or '' for now. */
export function asOfDate() {
  return asOf.value ? asOf.value.slice(0, 10) : ''
}

/* The time from the address at start, and a guard that keeps it in every address: a link that
 * carries ?asof= sets it, a navigation without one gets the current one added. */
export function installAsOf(router) {
  setAsOf(new URLSearchParams(window.location.search).get('asof'))
  router.beforeEach((to) => {
    const q = typeof to.query.asof === 'string' ? to.query.asof : ''
    if (q && FORM.test(q)) {
      setAsOf(q)
      return true
    }
    if (!asOf.value || to.meta.open) return true
    return { path: to.path, query: { ...to.query, asof: asOf.value }, hash: to.hash, replace: true }
  })
}

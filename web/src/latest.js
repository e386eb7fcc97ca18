// SPDX-License-Identifier: MIT
// Only the answer to the latest question: a page that asks again before the first answer came
// (two filters changed one after the other, another day picked) must not show the slower, older
// answer over the newer one (a CI run showed a stale total on 四个查清). Each list of a page gets
// its own asker:
//
//   const askStatus = latest()
//   const r = await askStatus(() => get('/reports/status', params))
//   if (!r) return             // a later question was asked: this answer is dropped
//   if (r.error) err.value = r.error
//   else rows.value = r.answer.rows
export function latest() {
  let asked = 0
  return async (question) => {
    const mine = ++asked
    try {
      const answer = await question()
      return mine === asked ? { answer } : null
    } catch (error) {
      return mine === asked ? { error } : null
    }
  }
}

/* A page's list and its summary, asked together whenever the page's filters change (gatherings,
 * requests, transfers), into the refs given: only the latest question's answer lands (a CI run
 * showed the whole list under "overdue only", its slower answer landing last); a failure puts
 * the error in err and empties both. Returns the loader: load(askList, askStatus). */
export function listAndStatus({ rows, status, err, loaded }) {
  const ask = latest()
  return async (askList, askStatus) => {
    err.value = null
    const r = await ask(() => Promise.all([askList(), askStatus()]))
    if (!r) return
    if (r.error) {
      err.value = r.error
      rows.value = []
      status.value = []
    } else {
      rows.value = r.answer[0].rows
      status.value = r.answer[1].rows
    }
    loaded.value = true
  }
}

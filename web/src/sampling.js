// SPDX-License-Identifier: MIT
// The sampling table's entries on the phone (/sample, issue 21): every entry (tube, ID number,
// time, site, pool) is written to IndexedDB (the maintained `idb` wrapper) before anything is
// sent, so a dropped network, a server that is away or a reloaded page loses nothing; a sender
// posts the unsent ones in batches to POST /api/v1/sample/entries and marks each sent or
// rejected (with the server's reason) only when the server has answered, so an answer lost on
// the way means the batch is sent again, which the server takes as duplicates (tube + ID number).
// One database per account, so two accounts on one phone never mix their entries.
import { openDB } from 'idb'

const STORE = 'entries'
const BATCH = 200

export async function openQueue(account) {
  return openDB(`fangkong-sampling-${account}`, 1, {
    upgrade(db) {
      const s = db.createObjectStore(STORE, { keyPath: 'key' })
      s.createIndex('state', 'state')
    },
  })
}

export const entryKey = (tube, id) => `${tube}|${id}`

/* Adds the entry unless the same tube and ID number are there already: true when added. */
export async function addEntry(db, e) {
  const tx = db.transaction(STORE, 'readwrite')
  const key = entryKey(e.tube, e.id_number)
  if (await tx.store.get(key)) {
    await tx.done
    return false
  }
  await tx.store.put({ ...e, key, state: 'unsent', reason: '', added: Date.now() })
  await tx.done
  return true
}

/* Keeps the server's check of an entry (check, name, sampledTube) with it, so a reloaded page
 * still shows it; an entry checked offline is checked again once the server answers. */
export async function setCheck(db, key, fields) {
  const tx = db.transaction(STORE, 'readwrite')
  const e = await tx.store.get(key)
  if (e) await tx.store.put({ ...e, ...fields })
  await tx.done
}

export async function allEntries(db) {
  const v = await db.getAll(STORE)
  return v.sort((a, b) => a.added - b.added)
}

export async function counts(db) {
  const c = { unsent: 0, sent: 0, rejected: 0 }
  for (const s of Object.keys(c)) c[s] = await db.countFromIndex(STORE, 'state', s)
  return c
}

/* The oldest unsent entries of one site and pool (a request carries one of each). */
async function nextBatch(db) {
  const v = (await db.getAllFromIndex(STORE, 'state', 'unsent')).sort((a, b) => a.added - b.added)
  if (!v.length) return []
  const { site, pool } = v[0]
  return v.filter((e) => e.site === site && e.pool === pool).slice(0, BATCH)
}

/* Sends the unsent entries, batch after batch, until none is left or a batch fails. Resolves to
 * { sent, rejected } on success, or throws the failure (status 0: no answer at all). */
export async function flush(db, timeoutMs = 8000) {
  let sent = 0
  let rejected = 0
  for (;;) {
    const batch = await nextBatch(db)
    if (!batch.length) return { sent, rejected }
    const ctl = new AbortController()
    const timer = setTimeout(() => ctl.abort(), timeoutMs)
    let res
    try {
      res = await fetch('/api/v1/sample/entries', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-Fangkong-CSRF': '1' },
        body: JSON.stringify({
          site: batch[0].site,
          pool: batch[0].pool,
          entries: batch.map((e) => ({ tube: e.tube, id_number: e.id_number, time: e.time })),
        }),
        signal: ctl.signal,
      })
    } catch (e) {
      const err = new Error(String(e.message || e))
      err.status = 0
      throw err
    } finally {
      clearTimeout(timer)
    }
    if (res.status === 400) {
      /* the batch itself was refused (it never should be): its entries say why, and the
       * sender goes on with the next ones rather than sending these for ever */
      let why = 'HTTP 400'
      try {
        why = (await res.json()).error || why
      } catch {
        /* keep HTTP 400 */
      }
      const tx = db.transaction(STORE, 'readwrite')
      for (const e of batch) await tx.store.put({ ...e, state: 'rejected', reason: why })
      await tx.done
      rejected += batch.length
      continue
    }
    if (!res.ok) {
      const err = new Error(`HTTP ${res.status}`)
      err.status = res.status
      try {
        err.body = await res.json()
      } catch {
        err.body = null
      }
      throw err
    }
    const answer = await res.json()
    const why = new Map((answer.rejects || []).map((r) => [r.index, r.reason]))
    const tx = db.transaction(STORE, 'readwrite')
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i]
      if (why.has(i)) {
        rejected++
        await tx.store.put({ ...e, state: 'rejected', reason: why.get(i) })
      } else {
        sent++
        await tx.store.put({ ...e, state: 'sent', reason: '' })
      }
    }
    await tx.done
  }
}

/* GB 11643's check digit of a resident ID number: '' when it is right, else the right one. */
export function checkDigit(id) {
  if (!/^\d{17}[\dX]$/.test(id)) return null
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let s = 0
  for (let i = 0; i < 17; i++) s += Number(id[i]) * w[i]
  const want = '10X98765432'[s % 11]
  return want === id[17] ? '' : want
}

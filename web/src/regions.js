// SPDX-License-Identifier: MIT
// Region codes (GB/T 2260 and the 12-digit township/community codes, grids as the community's
// code + G + number): the chain of ancestors of a code, from its province down to itself.
export function chainOf(code) {
  const out = []
  const add = (c) => {
    if (c && !out.includes(c)) out.push(c)
  }
  if (code.length < 6) return [code]
  add(code.slice(0, 2) + '0000')
  add(code.slice(0, 4) + '00')
  add(code.slice(0, 6))
  if (code.length >= 9) add(code.slice(0, 9))
  if (code.length >= 12) add(code.slice(0, 12))
  add(code)
  return out
}

/* a is inside b (or is b). */
export function within(a, b) {
  return chainOf(a).includes(b)
}

/* The level a code's shape says, for a region whose level no list has told us. */
export function levelOf(code) {
  if (code.includes('G')) return 'grid'
  if (code.length >= 12) return 'community'
  if (code.length === 9) return 'township'
  if (code.endsWith('0000')) return 'province'
  if (code.endsWith('00')) return 'city'
  return 'county'
}

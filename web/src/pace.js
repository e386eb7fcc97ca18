// SPDX-License-Identifier: MIT
// The pace of a round (issue 21) as words, shared by the plan page, the dashboard and the wall
// screen: a row of /rounds/ROUND/pace (state, forecast, late_hours) as "已达标", "预计 09-02 03:15
// 达标", "…，超出时限 3.5 小时" or "按此速度无法完成", and the class that colours it.
import { t, fmt } from './i18n.js'

export function forecastText(r) {
  if (!r) return '—'
  if (r.state === 'reached') return t('pace.s.reached')
  if (r.state === 'stalled') return t('pace.s.stalled')
  const at = fmt.time(r.forecast).slice(5)
  return r.late_hours ? t('pace.s.late', { at, h: r.late_hours }) : t('pace.s.eta', { at })
}

export function forecastClass(r) {
  if (!r) return ''
  if (r.state === 'reached') return 'ok'
  if (r.state === 'stalled' || r.late_hours) return 'bad'
  return ''
}

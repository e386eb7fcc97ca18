// SPDX-License-Identifier: MIT
// The pages. Every page but sign-in needs a session; the user page needs the "users" permission,
// the control pages that list persons (regime board, alerts, arrivals) "read_persons".
import { createRouter, createWebHistory } from 'vue-router'
import { session, can, restore } from './api.js'
import Shell from './views/Shell.vue'
import Login from './views/Login.vue'
import Dashboard from './views/Dashboard.vue'
import Round from './views/Round.vue'
import Cases from './views/Cases.vue'
import Import from './views/Import.vue'
import Users from './views/Users.vue'
import Screen from './views/Screen.vue'
import Control from './views/Control.vue'
import Regime from './views/Regime.vue'
import Alerts from './views/Alerts.vue'
import Arrivals from './views/Arrivals.vue'
import Person from './views/Person.vue'
import Sentinel from './views/Sentinel.vue'
import Vaccination from './views/Vaccination.vue'
import Score from './views/Score.vue'
import Reports from './views/Reports.vue'
import Problems from './views/Problems.vue'
import Incidents from './views/Incidents.vue'
import Gates from './views/Gates.vue'
import Transfers from './views/Transfers.vue'
import Zones from './views/Zones.vue'
import ColdChain from './views/ColdChain.vue'
import Assign from './views/Assign.vue'
import Checkins from './views/Checkins.vue'
import Sample from './views/Sample.vue'
import Plan from './views/Plan.vue'
import Gatherings from './views/Gatherings.vue'
import Requests from './views/Requests.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: Login, meta: { open: true } },
    { path: '/screen', name: 'screen', component: Screen },
    { path: '/sample', name: 'sample', component: Sample, meta: { perm: 'sample' } },
    {
      path: '/',
      component: Shell,
      children: [
        { path: '', name: 'dashboard', component: Dashboard },
        { path: 'round', name: 'round', component: Round },
        { path: 'plan', name: 'plan', component: Plan },
        { path: 'cases', name: 'cases', component: Cases },
        { path: 'control', name: 'control', component: Control },
        { path: 'regime', name: 'regime', component: Regime, meta: { perm: 'read_persons' } },
        { path: 'alerts', name: 'alerts', component: Alerts, meta: { perm: 'read_persons' } },
        { path: 'arrivals', name: 'arrivals', component: Arrivals, meta: { perm: 'read_persons' } },
        { path: 'sentinel', name: 'sentinel', component: Sentinel },
        { path: 'person/:id', name: 'person', component: Person, meta: { perm: 'read_persons' } },
        { path: 'vaccination', name: 'vaccination', component: Vaccination },
        { path: 'score', name: 'score', component: Score },
        { path: 'reports', name: 'reports', component: Reports },
        { path: 'problems', name: 'problems', component: Problems },
        { path: 'incidents', name: 'incidents', component: Incidents, meta: { perm: 'read_persons' } },
        { path: 'gates', name: 'gates', component: Gates },
        { path: 'transfers', name: 'transfers', component: Transfers, meta: { perm: 'read_persons' } },
        { path: 'zones', name: 'zones', component: Zones },
        { path: 'coldchain', name: 'coldchain', component: ColdChain, meta: { perm: 'read_persons' } },
        { path: 'assign', name: 'assign', component: Assign, meta: { perm: 'read_persons' } },
        { path: 'checkins', name: 'checkins', component: Checkins },
        { path: 'gatherings', name: 'gatherings', component: Gatherings, meta: { perm: 'read_persons' } },
        { path: 'requests', name: 'requests', component: Requests, meta: { perm: 'read_persons' } },
        { path: 'import', name: 'import', component: Import },
        { path: 'users', name: 'users', component: Users, meta: { perm: 'users' } },
      ],
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (!to.meta.open) await restore()
  if (!to.meta.open && !session.user) return { name: 'login', query: { next: to.fullPath } }
  /* a sampling table's account reads nothing: its home is the sampling page */
  if (to.name !== 'sample' && !to.meta.open && !can('read') && can('sample')) return { name: 'sample' }
  if (to.meta.perm && !can(to.meta.perm)) return { name: 'dashboard' }
  return true
})

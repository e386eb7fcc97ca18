// SPDX-License-Identifier: MIT
// The web UI of fangkong: mounts the app, and sends the user to sign-in when the API answers 401.
import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router.js'
import { installAsOf } from './asof.js'
import { onUnauthorized } from './api.js'
import { t, fmt } from './i18n.js'
import './style.css'

onUnauthorized(() => {
  const here = router.currentRoute.value
  if (here.name !== 'login') router.push({ name: 'login', query: { next: here.fullPath } })
})

installAsOf(router)

const app = createApp(App)
app.config.globalProperties.t = t
app.config.globalProperties.fmt = fmt
app.use(router)
app.mount('#app')

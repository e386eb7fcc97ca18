// SPDX-License-Identifier: MIT
// The top bar's navigation for the browser tests, in a module of its own because it needs no
// environment (tests/web/xss.test.mjs imports it without lib.mjs's settings).

/* Opens a page from the top bar by its data-nav name, opening its group first when the link sits
 * in a closed menu (web/src/components/NavMenu.vue). */
export async function nav(page, which) {
  const link = `[data-nav="${which}"]`
  if (!(await page.isVisible(link))) await page.click(`.navmenu:has(${link}) [data-nav-menu]`)
  await page.click(link)
}

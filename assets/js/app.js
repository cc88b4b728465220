// Safer Communities Casework – progressive enhancement only.
// Every page works without JavaScript; these modules only enhance components
// (service navigation toggle, error summary focus, MOJ sortable tables, etc.).
// Loaded with <script type="module">, so browsers too old for ES modules never
// run it and the body never gets the `govuk-frontend-supported` class.
import { createAll, initAll as initGovukFrontend } from './govuk-frontend.min.js'
import { FilterToggleButton, initAll as initMojFrontend } from './moj-frontend.min.js'

initGovukFrontend()
initMojFrontend()

// MOJ filter pattern (not part of MOJ's initAll): below the tablet breakpoint a list's
// filters (data-module="moj-filter") fold behind a "Show filters" button placed in the
// page's .moj-action-bar__filter; from tablet up they always show. Without JavaScript
// they always show too. WCAG 2.2 1.4.10 Reflow, see docs/front-end.md.
createAll(FilterToggleButton, {
  bigModeMediaQuery: '(min-width: 40.0625em)',
  // MOJ's startHidden hides the filters after checking the width, even on a wide screen where the toggle button
  // itself is hidden: the small-screen mode hides them on its own.
  startHidden: false,
  toggleButton: { showText: 'Show filters', hideText: 'Hide filters', classes: 'govuk-button--secondary' }
})
